import type { Database } from 'better-sqlite3';
import type { WorkspaceEraser } from '../store.js';

/** Per domain: the tables holding its rows of a workspace, children before parents (foreign keys). */
const DOMAIN_TABLES: ReadonlyArray<[domain: string, tables: readonly string[]]> = [
  ['messages', ['attachments', 'messages', 'conversation_members', 'conversations', 'blob_deletions']],
  ['rooms', ['rooms']],
  ['accounts', ['invitations', 'memberships']],
  ['sso', ['sso_domains', 'sso_requests']],
  ['accessLog', ['access_log']],
  ['contracts', ['contracts']],
  ['images', ['images']], // records only; the files go with blobs/<ws> (fileTreeEraser)
];

/**
 * The SQLite engine's erasers of one workspace (workspaces/deletion): each domain's rows in one
 * transaction, counted; the workspace row last. Never the contract log (kept 8 years, R17). Other
 * domains' erasers (image files, data keys) are added beside these by the composition root.
 */
export function sqliteWorkspaceErasers(db: Database, whenIdle: () => Promise<void>): WorkspaceEraser[] {
  const eraser = (domain: string, fn: (ws: string) => Record<string, number>): WorkspaceEraser => ({
    domain,
    async eraseWorkspace(ws) {
      await whenIdle(); // never inside another request's open transaction
      return db.transaction(() => fn(ws)).immediate();
    },
  });
  const deleteFrom = (table: string, ws: string) =>
    db.prepare(`DELETE FROM ${table} WHERE workspace_id = ?`).run(ws).changes;
  return [
    ...DOMAIN_TABLES.map(([domain, tables]) =>
      eraser(domain, (ws) => Object.fromEntries(tables.map((t) => [t, deleteFrom(t, ws)]))),
    ),
    eraser('accessLogChain', (ws) => ({
      access_log_heads: db.prepare('DELETE FROM access_log_heads WHERE workspace_key = ?').run(ws).changes,
    })),
    eraser('workspace', (ws) => ({
      workspaces: db.prepare('DELETE FROM workspaces WHERE id = ?').run(ws).changes,
    })),
  ];
}
