import type { Database } from 'better-sqlite3';
import { blobKeysOf, type ImageRecord, type ImageRepo } from '../../images/imageRepo.js';

interface Row {
  workspace_id: string;
  id: string;
  kind: ImageRecord['kind'];
  owner_id: string;
  uploader_id: string;
  content_type: string;
  width: number;
  height: number;
  bytes: number;
  created_at: string;
}

const toRecord = (r: Row): ImageRecord => ({
  workspaceId: r.workspace_id,
  id: r.id,
  kind: r.kind,
  ownerId: r.owner_id,
  uploaderId: r.uploader_id,
  contentType: r.content_type,
  width: r.width,
  height: r.height,
  bytes: r.bytes,
  createdAt: r.created_at,
});

/** Images in the `images` table (migration 009); multi-row changes run in one SQLite transaction. */
export function sqliteImages(db: Database): ImageRepo {
  const insert = (r: ImageRecord) =>
    db
      .prepare(
        `INSERT INTO images (workspace_id, id, kind, owner_id, uploader_id, content_type, width, height, bytes, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.workspaceId,
        r.id,
        r.kind,
        r.ownerId,
        r.uploaderId,
        r.contentType,
        r.width,
        r.height,
        r.bytes,
        r.createdAt,
      );
  const current = (ws: string, kind: string, owner: string) =>
    db
      .prepare<[string, string, string], Row>(
        'SELECT * FROM images WHERE workspace_id = ? AND kind = ? AND owner_id = ?',
      )
      .get(ws, kind, owner);
  const remove = (ws: string, id: string) =>
    db.prepare('DELETE FROM images WHERE workspace_id = ? AND id = ?').run(ws, id);
  return {
    async addPending(rec) {
      if (rec.kind !== 'message') throw new TypeError('addPending: message images only');
      insert(rec);
    },
    async setCurrent(rec) {
      if (rec.kind === 'message') throw new TypeError('setCurrent: profile or workspace images only');
      return db.transaction(() => {
        const before = current(rec.workspaceId, rec.kind, rec.ownerId);
        if (before) remove(before.workspace_id, before.id);
        insert(rec);
        return before && toRecord(before);
      })();
    },
    async current(ws, kind, owner) {
      const row = current(ws, kind, owner);
      return row && toRecord(row);
    },
    async clearCurrent(ws, kind, owner) {
      return db.transaction(() => {
        const row = current(ws, kind, owner);
        if (row) remove(ws, row.id);
        return row && toRecord(row);
      })();
    },
    async profileImages(ws) {
      const rows = db
        .prepare<[string], { owner_id: string; id: string }>(
          `SELECT owner_id, id FROM images WHERE workspace_id = ? AND kind = 'profile'`,
        )
        .all(ws);
      return Object.fromEntries(rows.map((r) => [r.owner_id, r.id]));
    },
    async get(ws, id) {
      const row = db
        .prepare<[string, string], Row>('SELECT * FROM images WHERE workspace_id = ? AND id = ?')
        .get(ws, id);
      return row && toRecord(row);
    },
    async takePending(ws, uploaderId, ids) {
      const wanted = [...new Set(ids)];
      return db.transaction(() => {
        const rows = wanted.map((id) =>
          db
            .prepare<[string, string, string], Row>(
              `SELECT * FROM images WHERE workspace_id = ? AND id = ? AND kind = 'message' AND uploader_id = ?`,
            )
            .get(ws, id, uploaderId),
        );
        if (rows.some((r) => !r)) return undefined;
        for (const r of rows) remove(ws, r!.id);
        return rows.map((r) => toRecord(r!));
      })();
    },
    async takeExpiredPending(ws, before, limit) {
      return db.transaction(() => {
        const rows = db
          .prepare<[string, string, number], Row>(
            `SELECT * FROM images WHERE workspace_id = ? AND kind = 'message' AND created_at < ?
             ORDER BY created_at LIMIT ?`,
          )
          .all(ws, before, limit);
        for (const r of rows) remove(ws, r.id);
        return rows.map(toRecord);
      })();
    },
    async expiredPending(before, limit) {
      return db
        .prepare<[string, number], { workspaceId: string; id: string }>(
          `SELECT workspace_id AS workspaceId, id FROM images WHERE kind = 'message' AND created_at < ?
           ORDER BY created_at LIMIT ?`,
        )
        .all(before, limit);
    },
    async eraseWorkspace(ws) {
      return db.transaction(() => {
        const rows = db.prepare<[string], Row>('SELECT * FROM images WHERE workspace_id = ?').all(ws);
        db.prepare('DELETE FROM images WHERE workspace_id = ?').run(ws);
        return { images: rows.length, blobKeys: rows.flatMap((r) => blobKeysOf(toRecord(r))) };
      })();
    },
  };
}
