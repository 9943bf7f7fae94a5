import type { Database } from 'better-sqlite3';
import type { MaintenanceRecord, MaintenanceRepo } from '../../ops/maintenanceRepo.js';

interface Row {
  id: string;
  starts_at: string;
  ends_at: string;
  source: MaintenanceRecord['source'];
  note: string | null;
  created_at: string;
  created_by: string;
  cancelled_at: string | null;
  cancelled_by: string | null;
}

const toRecord = (r: Row): MaintenanceRecord => ({
  id: r.id,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  source: r.source,
  note: r.note,
  createdAt: r.created_at,
  createdBy: r.created_by,
  cancelledAt: r.cancelled_at,
  cancelledBy: r.cancelled_by,
});

/** Maintenance windows in `maintenance_windows` (migration 012). */
export function sqliteMaintenance(db: Database): MaintenanceRepo {
  // Prepared on first use: the store is built before `migrate()` creates the table.
  const q = lazy(() => ({
    insert: db.prepare(`INSERT OR IGNORE INTO maintenance_windows
      (id, starts_at, ends_at, source, note, created_at, created_by, cancelled_at, cancelled_by)
      VALUES (@id, @startsAt, @endsAt, @source, @note, @createdAt, @createdBy, @cancelledAt, @cancelledBy)`),
    cancel: db.prepare(
      'UPDATE maintenance_windows SET cancelled_at = ?, cancelled_by = ? WHERE id = ? AND cancelled_at IS NULL',
    ),
    get: db.prepare<[string], Row>('SELECT * FROM maintenance_windows WHERE id = ?'),
    overlapping: db.prepare<[string, string], Row>(
      'SELECT * FROM maintenance_windows WHERE ends_at > ? AND starts_at < ? ORDER BY starts_at, id',
    ),
  }));
  return {
    async create(r) {
      return q().insert.run(r).changes === 1;
    },
    async cancel(id, at, by) {
      return q().cancel.run(at, by, id).changes === 1;
    },
    async get(id) {
      const row = q().get.get(id);
      return row ? toRecord(row) : undefined;
    },
    async listOverlapping(from, to) {
      return q().overlapping.all(from, to).map(toRecord);
    },
  };
}

function lazy<T>(make: () => T): () => T {
  let v: T | undefined;
  return () => {
    v ??= make();
    return v;
  };
}
