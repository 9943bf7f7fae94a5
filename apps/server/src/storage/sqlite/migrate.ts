import type { Database } from 'better-sqlite3';
import type { MigrationReport } from '../store.js';
import type { Migration } from './migrations.js';

/**
 * Applies the pending migrations, each in its own IMMEDIATE transaction so that two processes starting
 * at once cannot both apply the same version. Running it again applies nothing.
 */
export function runMigrations(db: Database, migrations: readonly Migration[]): MigrationReport {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  // Versions are reserved per domain ahead of time, so gaps are allowed; duplicates are not.
  sorted.forEach((m, i) => {
    if (!Number.isInteger(m.version) || m.version < 1 || m.version === sorted[i - 1]?.version)
      throw new Error(`migration versions must be distinct positive integers; got ${m.version}`);
  });
  const isApplied = db.prepare<[number], { version: number }>(
    'SELECT version FROM schema_migrations WHERE version = ?',
  );
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const m of sorted) {
    const apply = db.transaction(() => {
      if (isApplied.get(m.version)) return false;
      m.up(db);
      record.run(m.version, m.name, new Date().toISOString());
      return true;
    });
    if (apply.immediate()) applied.push(m.version);
  }
  const row = db.prepare<[], { v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations').get();
  return { applied, current: row?.v ?? 0 };
}
