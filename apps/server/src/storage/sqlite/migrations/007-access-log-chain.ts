import { EMPTY_HEAD, nextLink } from '../../../audit/accessLogChain.js';
import type { AccessLogEvent } from '../../store.js';
import type { Migration } from '../migrations.js';

interface LegacyRow {
  rowid: number;
  id: string;
  workspace_id: string | null;
  user_id: string | null;
  type: string;
  at: string;
  ip: string | null;
  user_agent: string | null;
  detail: string;
}

/**
 * The access log becomes tamper-evident (R14, issue 12): every entry carries its place in its workspace's
 * chain (`seq`), the previous entry's hash and its own (audit/accessLogChain.ts); `access_log_heads` holds
 * each chain's newest entry and the newest entry retention removed (key '' for entries of no workspace).
 * Entries written before this migration are chained here, per workspace in (at, rowid) order. The viewer's
 * filters get indexes in their (at, id) order, so a filtered first page reads a few rows on any log size.
 */
export const m007AccessLogChain: Migration = {
  version: 7,
  name: 'access-log hash chain, viewer indexes',
  up(db) {
    db.exec(`
      ALTER TABLE access_log ADD COLUMN seq INTEGER;
      ALTER TABLE access_log ADD COLUMN prev_hash TEXT;
      ALTER TABLE access_log ADD COLUMN hash TEXT;
      CREATE TABLE access_log_heads (
        workspace_key TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL,
        pruned_seq INTEGER NOT NULL,
        pruned_hash TEXT NOT NULL
      );
    `);
    const rows = db
      .prepare<[], LegacyRow>('SELECT rowid, * FROM access_log ORDER BY workspace_id, at, rowid')
      .all();
    const heads = new Map<string, typeof EMPTY_HEAD>();
    const update = db.prepare('UPDATE access_log SET seq = ?, prev_hash = ?, hash = ? WHERE rowid = ?');
    for (const r of rows) {
      const key = r.workspace_id ?? '';
      const event: AccessLogEvent = {
        id: r.id,
        workspaceId: r.workspace_id,
        userId: r.user_id,
        type: r.type,
        at: r.at,
        ip: r.ip,
        userAgent: r.user_agent,
        detail: JSON.parse(r.detail) as AccessLogEvent['detail'],
      };
      const { entry, head } = nextLink(heads.get(key) ?? EMPTY_HEAD, event);
      update.run(entry.seq, entry.prevHash, entry.hash, r.rowid);
      heads.set(key, head);
    }
    const insertHead = db.prepare('INSERT INTO access_log_heads VALUES (?, ?, ?, ?, ?)');
    for (const [key, h] of heads) insertHead.run(key, h.seq, h.hash, h.prunedSeq, h.prunedHash);
    db.exec(`
      CREATE UNIQUE INDEX access_log_chain ON access_log (ifnull(workspace_id, ''), seq);
      DROP INDEX access_log_ws_at;
      CREATE INDEX access_log_ws_at ON access_log (workspace_id, at, id);
      CREATE INDEX access_log_ws_user ON access_log (workspace_id, user_id, at, id);
      CREATE INDEX access_log_ws_type ON access_log (workspace_id, type, at, id);
      CREATE INDEX access_log_ws_user_type ON access_log (workspace_id, user_id, type, at, id);
    `);
  },
};
