import type { Database } from 'better-sqlite3';
import type { SsoRepo, SsoRequestRecord } from '../store.js';

interface RequestRow {
  id: string;
  workspace_id: string;
  browser_hash: string;
  created_at: number;
  used_at: number | null;
}
const toRequest = (r: RequestRow): SsoRequestRecord => ({
  id: r.id,
  workspaceId: r.workspace_id,
  browserHash: r.browser_hash,
  createdAt: r.created_at,
  usedAt: r.used_at,
});

/** Single sign-on state (migration 008). Each method is one statement or one `db.transaction`. */
export function sqliteSso(db: Database): SsoRepo {
  const domainsOf = (workspaceId: string) =>
    db
      .prepare<[string], { domain: string }>(
        'SELECT domain FROM sso_domains WHERE workspace_id = ? ORDER BY domain',
      )
      .all(workspaceId)
      .map((r) => r.domain);
  const takeRequest = db.transaction((id: string, now: number) => {
    const row = db.prepare<[string], RequestRow>('SELECT * FROM sso_requests WHERE id = ?').get(id);
    if (!row) return undefined;
    if (row.used_at === null) db.prepare('UPDATE sso_requests SET used_at = ? WHERE id = ?').run(now, id);
    return toRequest(row);
  });
  const acceptAssertionOnce = db.transaction((id: string, expiresAt: number, now: number) => {
    const row = db
      .prepare<[string], { expires_at: number }>('SELECT expires_at FROM sso_assertions WHERE id = ?')
      .get(id);
    if (row && row.expires_at > now) return false;
    db.prepare(
      'INSERT INTO sso_assertions (id, expires_at) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET expires_at = excluded.expires_at',
    ).run(id, expiresAt);
    return true;
  });
  const prune = db.transaction((requestsBefore: number, now: number, limit: number) => {
    const requests = db
      .prepare(
        'DELETE FROM sso_requests WHERE id IN (SELECT id FROM sso_requests WHERE created_at < ? ORDER BY created_at LIMIT ?)',
      )
      .run(requestsBefore, limit).changes;
    const assertions = db
      .prepare(
        'DELETE FROM sso_assertions WHERE id IN (SELECT id FROM sso_assertions WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)',
      )
      .run(now, Math.max(0, limit - requests)).changes;
    return requests + assertions;
  });
  return {
    async domainHolders(domains) {
      const holder = db.prepare<[string], { workspace_id: string }>(
        'SELECT workspace_id FROM sso_domains WHERE domain = ?',
      );
      const out = new Map<string, string>();
      for (const domain of new Set(domains)) {
        const row = holder.get(domain);
        if (row) out.set(domain, row.workspace_id);
      }
      return out;
    },
    async routeDomains(workspaceId, { add, remove }) {
      const del = db.prepare('DELETE FROM sso_domains WHERE domain = ? AND workspace_id = ?');
      const ins = db.prepare('INSERT INTO sso_domains (domain, workspace_id) VALUES (?, ?)');
      db.transaction(() => {
        for (const domain of remove) del.run(domain, workspaceId);
        for (const domain of add) ins.run(domain, workspaceId);
      })();
    },
    async domainsOf(workspaceId) {
      return domainsOf(workspaceId);
    },
    async workspaceForDomain(domain) {
      return db
        .prepare<[string], { workspace_id: string }>('SELECT workspace_id FROM sso_domains WHERE domain = ?')
        .get(domain)?.workspace_id;
    },
    async rememberRequest(r) {
      db.prepare(
        'INSERT INTO sso_requests (id, workspace_id, browser_hash, created_at) VALUES (?, ?, ?, ?)',
      ).run(r.id, r.workspaceId, r.browserHash, r.createdAt);
    },
    async takeRequest(id, now) {
      return takeRequest(id, now);
    },
    async acceptAssertionOnce(assertionId, expiresAt, now) {
      return acceptAssertionOnce(assertionId, expiresAt, now);
    },
    async prune(requestsBefore, now, limit) {
      return prune(requestsBefore, now, limit);
    },
  };
}
