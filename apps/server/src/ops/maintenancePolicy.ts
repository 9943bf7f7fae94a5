/**
 * The planned maintenance schedule of R21 as pure functions (no clock, no storage): by default monthly,
 * the last Wednesday 20:00 to the next morning 08:00 Japan time; which windows users are told about at a
 * given instant (the banner, days ahead), and when a room notice is due (minutes ahead).
 */

export interface ScheduleRule {
  /** IANA zone of the wall-clock times (default Asia/Tokyo). */
  timeZone: string;
  /** 0 = Sunday … 3 = Wednesday … 6 = Saturday. */
  weekday: number;
  /** Local start hour on that day, and the window's length. */
  startHour: number;
  hours: number;
}

export const DEFAULT_SCHEDULE: ScheduleRule = {
  timeZone: 'Asia/Tokyo',
  weekday: 3,
  startHour: 20,
  hours: 12,
};

/** A window as the policy sees it (store records and scheduled ones alike). */
export interface WindowLike {
  id: string;
  startsAt: string;
  endsAt: string;
  source: 'schedule' | 'operator';
  note?: string;
  cancelledAt?: string | null;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Offset (ms) of `zone` from UTC at instant `t`. */
function offsetAt(t: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(t));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return (
    Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - (t - (t % 1000))
  );
}

/** The instant whose wall-clock reading in `zone` is y-m-d h:00 (month 1–12; day may overflow). */
export function zonedInstant(y: number, m: number, d: number, h: number, zone: string): Date {
  const wall = Date.UTC(y, m - 1, d, h);
  let t = wall - offsetAt(wall, zone);
  t = wall - offsetAt(t, zone); // once more across a DST change
  return new Date(t);
}

/** Day of month (1–31) of the last `weekday` in month m (1–12) of year y. */
export function lastWeekdayOfMonth(y: number, m: number, weekday: number): number {
  const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const lastDow = new Date(Date.UTC(y, m - 1, lastDay)).getUTCDay();
  return lastDay - ((lastDow - weekday + 7) % 7);
}

/** The scheduled window of month m of year y; its id (`schedule-YYYY-MM`) lets an operator cancel it. */
export function scheduledWindow(y: number, m: number, rule: ScheduleRule = DEFAULT_SCHEDULE): WindowLike {
  const day = lastWeekdayOfMonth(y, m, rule.weekday);
  const start = zonedInstant(y, m, day, rule.startHour, rule.timeZone);
  return {
    id: `schedule-${y}-${String(m).padStart(2, '0')}`,
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + rule.hours * HOUR_MS).toISOString(),
    source: 'schedule',
  };
}

/** Scheduled windows overlapping [from, to), oldest first. */
export function scheduledWindows(from: Date, to: Date, rule: ScheduleRule = DEFAULT_SCHEDULE): WindowLike[] {
  const out: WindowLike[] = [];
  // From the month before `from` (a window may reach into it) to the month of `to`.
  let y = from.getUTCFullYear();
  let m = from.getUTCMonth(); // previous month, 0 → December of the year before
  if (m === 0) {
    y--;
    m = 12;
  }
  const endKey = to.getUTCFullYear() * 12 + to.getUTCMonth() + 1;
  while (y * 12 + m <= endKey) {
    const w = scheduledWindow(y, m, rule);
    if (Date.parse(w.endsAt) > from.getTime() && Date.parse(w.startsAt) < to.getTime()) out.push(w);
    m++;
    if (m === 13) {
      y++;
      m = 1;
    }
  }
  return out;
}

/**
 * Every window overlapping [from, to): the schedule's, with stored records replacing a scheduled one of
 * the same id (a cancellation), plus operator windows. Cancelled ones are dropped unless `withCancelled`.
 */
export function mergeWindows(
  scheduled: readonly WindowLike[],
  stored: readonly WindowLike[],
  from: Date,
  to: Date,
  withCancelled = false,
): WindowLike[] {
  const byId = new Map(scheduled.map((w) => [w.id, w]));
  for (const s of stored) byId.set(s.id, s);
  return [...byId.values()]
    .filter((w) => Date.parse(w.endsAt) > from.getTime() && Date.parse(w.startsAt) < to.getTime())
    .filter((w) => withCancelled || !w.cancelledAt)
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.id.localeCompare(b.id));
}

/** How far ahead the banner looks, as the [from, to) range to load at `now`. */
export function bannerRange(now: Date, bannerDays: number): { from: Date; to: Date } {
  return { from: now, to: new Date(now.getTime() + bannerDays * DAY_MS) };
}

/** Windows for the banner at `now`: in progress, or starting within `bannerDays`. */
export function bannerWindows(windows: readonly WindowLike[], now: Date, bannerDays: number): WindowLike[] {
  const { to } = bannerRange(now, bannerDays);
  return windows.filter(
    (w) => !w.cancelledAt && Date.parse(w.endsAt) > now.getTime() && Date.parse(w.startsAt) < to.getTime(),
  );
}

/** Windows whose room notice is due at `now`: starting within `minutes` and not started yet. */
export function roomNoticesDue(windows: readonly WindowLike[], now: Date, minutes: number): WindowLike[] {
  const t = now.getTime();
  return windows.filter((w) => {
    const start = Date.parse(w.startsAt);
    return !w.cancelledAt && start > t && start - t <= minutes * 60_000;
  });
}
