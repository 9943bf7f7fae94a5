/**
 * Stored maintenance windows (R21): operator-added windows, and cancellations of scheduled ones (a record
 * with the scheduled window's id and `cancelledAt`). Not tenant data: one list for the whole service.
 * Engines: SQLite `maintenance_windows` (migration 012), Firestore `maintenanceWindows/{id}`; contract
 * suite `storage/contracts/maintenance.contract.ts`.
 */
export interface MaintenanceRecord {
  id: string;
  /** ISO 8601 UTC (`toISOString()` form, so text order is time order). */
  startsAt: string;
  endsAt: string;
  source: 'schedule' | 'operator';
  note: string | null;
  createdAt: string;
  /** Who added it (operator name or CLI user). */
  createdBy: string;
  cancelledAt: string | null;
  cancelledBy: string | null;
}

export interface MaintenanceRepo {
  /** Adds a record; false when one with this id exists already. */
  create(record: MaintenanceRecord): Promise<boolean>;
  /** Marks a record cancelled; false when there is none or it was cancelled already (the first stays). */
  cancel(id: string, at: string, by: string): Promise<boolean>;
  get(id: string): Promise<MaintenanceRecord | undefined>;
  /** Records overlapping [from, to) (ends after `from`, starts before `to`), cancelled ones included, by start. */
  listOverlapping(from: string, to: string): Promise<MaintenanceRecord[]>;
}
