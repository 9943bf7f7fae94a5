import type { Database } from 'better-sqlite3';
import type { DataKeyRepo, WrappedDataKey } from '../../crypto/dataKeyRepo.js';

interface Row {
  workspace_id: string;
  master_key_id: string;
  wrapped: Buffer;
  created_at: string;
}
const toKey = (r: Row): WrappedDataKey => ({
  workspaceId: r.workspace_id,
  masterKeyId: r.master_key_id,
  wrapped: r.wrapped,
  createdAt: r.created_at,
});

/** The data keys in table `data_keys` (migration 010). */
export function sqliteDataKeys(db: Database): DataKeyRepo {
  const get = (ws: string) =>
    db.prepare<[string], Row>('SELECT * FROM data_keys WHERE workspace_id = ?').get(ws);
  return {
    async get(workspaceId) {
      const row = get(workspaceId);
      return row && toKey(row);
    },
    async createIfAbsent(k) {
      db.prepare(
        `INSERT INTO data_keys (workspace_id, master_key_id, wrapped, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(workspace_id) DO NOTHING`,
      ).run(k.workspaceId, k.masterKeyId, k.wrapped, k.createdAt);
      return toKey(get(k.workspaceId)!);
    },
    async rewrap(workspaceId, from, to) {
      const r = db
        .prepare(
          'UPDATE data_keys SET master_key_id = ?, wrapped = ? WHERE workspace_id = ? AND master_key_id = ?',
        )
        .run(to.masterKeyId, to.wrapped, workspaceId, from);
      return r.changes === 1;
    },
    async listWrappedByOthers(ids, limit) {
      const rows = db
        .prepare<unknown[], Row>(
          `SELECT * FROM data_keys WHERE master_key_id NOT IN (${ids.map(() => '?').join(',')})
           ORDER BY workspace_id LIMIT ?`,
        )
        .all(...ids, limit);
      return rows.map(toKey);
    },
    async anyWrappedBy(masterKeyId) {
      const row = db
        .prepare<[string], Row>('SELECT * FROM data_keys WHERE master_key_id = ? LIMIT 1')
        .get(masterKeyId);
      return row && toKey(row);
    },
    async delete(workspaceId) {
      db.prepare('DELETE FROM data_keys WHERE workspace_id = ?').run(workspaceId);
    },
  };
}
