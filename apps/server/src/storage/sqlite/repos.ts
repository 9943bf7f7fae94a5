import type { Database } from 'better-sqlite3';
import type { LeaseRepo, MetaRepo, Workspace, WorkspaceRepo } from '../store.js';

interface WorkspaceRow {
  id: string;
  name: string;
  plan: Workspace['plan'];
  time_zone: string;
  created_at: string;
  security?: string;
  closed_at?: string | null;
}
const toWorkspace = (r: WorkspaceRow): Workspace => ({
  id: r.id,
  name: r.name,
  plan: r.plan,
  timeZone: r.time_zone,
  createdAt: r.created_at,
  ...(r.security && r.security !== '{}' ? { security: JSON.parse(r.security) as Workspace['security'] } : {}),
  ...(r.closed_at ? { closedAt: r.closed_at } : {}),
});

export function sqliteWorkspaces(db: Database): WorkspaceRepo {
  const get = (id: string) =>
    db.prepare<[string], WorkspaceRow>('SELECT * FROM workspaces WHERE id = ?').get(id);
  return {
    async create(ws) {
      db.prepare(
        'INSERT INTO workspaces (id, name, plan, time_zone, created_at, security) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(ws.id, ws.name, ws.plan, ws.timeZone, ws.createdAt, JSON.stringify(ws.security ?? {}));
    },
    async get(id) {
      const row = get(id);
      return row && toWorkspace(row);
    },
    async update(id, patch) {
      const row = get(id);
      if (!row) return undefined;
      const { closedAt, ...rest } = { ...toWorkspace(row), ...patch };
      const next: Workspace = { ...rest, ...(closedAt ? { closedAt } : {}) };
      db.prepare(
        'UPDATE workspaces SET name = ?, plan = ?, time_zone = ?, security = ?, closed_at = ? WHERE id = ?',
      ).run(
        next.name,
        next.plan,
        next.timeZone,
        JSON.stringify(next.security ?? {}),
        next.closedAt ?? null,
        id,
      );
      return next;
    },
    async listByIds(ids) {
      if (ids.length === 0) return [];
      const rows = db
        .prepare<string[], WorkspaceRow>(
          `SELECT * FROM workspaces WHERE id IN (${ids.map(() => '?').join(',')}) ORDER BY name`,
        )
        .all(...ids);
      return rows.map(toWorkspace);
    },
  };
}

export function sqliteLeases(db: Database): LeaseRepo {
  return {
    async tryAcquire(name, holder, now, ttlMs) {
      const t = now.getTime();
      const res = db
        .prepare(
          `INSERT INTO leases (name, holder, expires_at) VALUES (@name, @holder, @exp)
           ON CONFLICT(name) DO UPDATE SET holder = @holder, expires_at = @exp
           WHERE leases.holder = @holder OR leases.expires_at <= @now`,
        )
        .run({ name, holder, exp: t + ttlMs, now: t });
      return res.changes === 1;
    },
    async release(name, holder) {
      db.prepare('DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder);
    },
  };
}

export function sqliteMeta(db: Database): MetaRepo {
  return {
    async get(key) {
      return db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(key)?.value;
    },
    async set(key, value) {
      db.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      ).run(key, value);
    },
  };
}
