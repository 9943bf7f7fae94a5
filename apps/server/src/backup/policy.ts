/**
 * The backup policy of R20 as pure functions: generation names, which generations to prune, and when the
 * next backup is due. Nothing here reads the clock or touches the disk; `scheduler.ts` applies it.
 */

/** R20: a backup every 24 hours. */
export const BACKUP_INTERVAL_MS = 24 * 3_600_000;

/** R20: at least five generations kept. */
export const DEFAULT_GENERATIONS = 5;

// 2026-12-02T03-48-00-123Z: sortable as text, safe as a directory name on every filesystem.
const ID = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z$/;

/** The generation name for a backup started at `at`. Names sort in time order. */
export function generationId(at: Date): string {
  if (!Number.isFinite(at.getTime())) throw new TypeError('at must be a valid date');
  return at.toISOString().replace(/[:.]/g, '-');
}

/** The start time encoded in a generation name, or undefined when `id` is not one. */
export function generationTime(id: string): Date | undefined {
  const m = ID.exec(id);
  if (!m) return undefined;
  const d = new Date(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`);
  return Number.isFinite(d.getTime()) && generationId(d) === id ? d : undefined;
}

/** The generations to delete so that the newest `keep` remain (oldest first). Non-generation names are ignored. */
export function generationsToPrune(ids: readonly string[], keep: number): string[] {
  if (!Number.isInteger(keep) || keep < 1) throw new RangeError('keep must be a positive integer');
  const valid = ids.filter((id) => generationTime(id) !== undefined).sort();
  return valid.slice(0, Math.max(0, valid.length - keep));
}

/** How much earlier than a full interval an hourly check may run the next backup (so times do not drift). */
export const DUE_SLACK_MS = 30 * 60_000;

/**
 * True when no generation exists or the newest one started at least `intervalMs - DUE_SLACK_MS` before
 * `now`. The scheduler checks hourly: without the slack a backup taken at 03:17 would be 0.5 s short of
 * 24 h at the next 03:17 check and move to 04:17, an hour later every day.
 */
export function isBackupDue(newest: Date | undefined, now: Date, intervalMs = BACKUP_INTERVAL_MS): boolean {
  if (!newest) return true;
  return now.getTime() - newest.getTime() >= intervalMs - Math.min(DUE_SLACK_MS, intervalMs / 2);
}
