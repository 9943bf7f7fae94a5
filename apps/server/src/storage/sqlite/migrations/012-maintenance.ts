import type { Migration } from '../migrations.js';

/** Planned maintenance windows (R21, ops/maintenanceRepo.ts): service-wide, not tenant data. */
export const m012Maintenance: Migration = {
  version: 12,
  name: 'maintenance',
  up(db) {
    db.exec(`
      CREATE TABLE maintenance_windows (
        id TEXT PRIMARY KEY,
        starts_at TEXT NOT NULL,
        ends_at TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('schedule', 'operator')),
        note TEXT,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        cancelled_at TEXT,
        cancelled_by TEXT,
        CHECK (ends_at > starts_at)
      );
      CREATE INDEX maintenance_windows_ends ON maintenance_windows (ends_at);
    `);
  },
};
