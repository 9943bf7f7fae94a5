import type { Migration } from '../migrations.js';

/** Workspaces, the access log (events recorded from day one), leases for single-run jobs, meta. */
export const m001Foundation: Migration = {
  version: 1,
  name: 'workspaces, access log, leases, meta',
  up(db) {
    db.exec(`
      CREATE TABLE workspaces (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        plan TEXT NOT NULL CHECK (plan IN ('free','team','enterprise')),
        time_zone TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE access_log (
        id TEXT PRIMARY KEY,
        workspace_id TEXT,
        user_id TEXT,
        type TEXT NOT NULL,
        at TEXT NOT NULL,
        ip TEXT,
        user_agent TEXT,
        detail TEXT NOT NULL
      );
      CREATE INDEX access_log_ws_at ON access_log (workspace_id, at);
      CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `);
  },
};
