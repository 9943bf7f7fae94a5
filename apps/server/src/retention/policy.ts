/**
 * The retention policy of R6/R7, as pure functions of (conversation kind, last message time, now, time zone).
 * Nothing here reads the clock or touches storage; the scheduler applies it.
 *
 * "01:00 local on date D" means the first instant whose local wall-clock reading on D is 01:00 or later:
 * - on a fall-back day where 01:00 happens twice (America/New_York), the first occurrence;
 * - on a spring-forward day where 01:00 does not exist (Europe/London), the instant the clock jumps past it.
 * This matches croner's `0 1 * * *`, so the scheduler fires exactly when purges become due.
 */

export type ConversationKind = 'room' | 'workspace';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** How long after its last message a conversation's messages live, before the next 01:00 takes them. */
export const RETENTION_MS: Readonly<Record<ConversationKind, number>> = {
  room: DAY_MS,
  workspace: 30 * DAY_MS,
};

/** The local hour at which purges happen. */
export const PURGE_HOUR = 1;

export interface RetentionDecision {
  action: 'delete' | 'keep';
  /** When the conversation's messages become due for deletion (unless a newer message arrives). */
  dueAt: Date;
}

/** Decides whether a conversation's messages go now, in the workspace's time zone as it is at `now`. */
export function decideRetention(
  kind: ConversationKind,
  lastMessageAt: Date,
  now: Date,
  timeZone: string,
): RetentionDecision {
  const dueAt = purgeDueAt(kind, lastMessageAt, timeZone);
  return { action: now.getTime() >= dueAt.getTime() ? 'delete' : 'keep', dueAt };
}

/** The first 01:00 local at or after `lastMessageAt` + 24 h (room) or + 30 days (workspace). */
export function purgeDueAt(kind: ConversationKind, lastMessageAt: Date, timeZone: string): Date {
  const threshold = lastMessageAt.getTime() + RETENTION_MS[kind];
  if (!Number.isFinite(threshold)) throw new TypeError('lastMessageAt must be a valid date');
  return new Date(firstPurgeHourAtOrAfter(threshold, timeZone));
}

/** The latest 01:00 local at or before `at` (the slot a run at `at` belongs to). */
export function lastPurgeHourAtOrBefore(at: Date, timeZone: string): Date {
  const t = at.getTime();
  const today = localParts(t, timeZone);
  const mine = purgeHourOn(today.y, today.m, today.d, timeZone);
  if (mine <= t) return new Date(mine);
  return new Date(purgeHourOn(today.y, today.m, today.d - 1, timeZone));
}

/** The first 01:00 local at or after the instant `t` (ms). */
export function firstPurgeHourAtOrAfter(t: number, timeZone: string): number {
  const local = localParts(t, timeZone);
  const sameDay = purgeHourOn(local.y, local.m, local.d, timeZone);
  if (sameDay >= t) return sameDay;
  return purgeHourOn(local.y, local.m, local.d + 1, timeZone);
}

/** True when this runtime knows `tz` as an IANA time zone. */
export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** The instant of 01:00 on local date y-m-d (d may overflow; Date.UTC normalises it). */
function purgeHourOn(y: number, m: number, d: number, timeZone: string): number {
  // The wall-clock reading we want, expressed as if it were UTC.
  const wall = Date.UTC(y, m - 1, d, PURGE_HOUR);
  // Offsets a day either side: at most one transition lies between them in any real zone.
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const exact = [wall - before, wall - after]
    .filter((t) => wallClock(t, timeZone) === wall)
    .sort((a, b) => a - b);
  if (exact.length > 0) return exact[0] as number; // fall-back: the first of the two
  return firstInstantAtOrPast(wall, wall - after, wall - before, timeZone); // spring-forward gap
}

/**
 * In a gap, 01:00 is never shown; find the transition instant (the first whose wall clock is at or past
 * `wall`) between `lo` (still before) and `hi` (already past). Transitions fall on whole seconds.
 */
function firstInstantAtOrPast(wall: number, lo: number, hi: number, timeZone: string): number {
  let a = Math.floor(lo / 1000);
  let b = Math.ceil(hi / 1000);
  while (b - a > 1) {
    const mid = Math.floor((a + b) / 2);
    if (wallClock(mid * 1000, timeZone) >= wall) b = mid;
    else a = mid;
  }
  return b * 1000;
}

/** Local wall-clock time at instant `t`, expressed as a UTC timestamp (ms). */
function wallClock(t: number, timeZone: string): number {
  const p = localParts(t, timeZone);
  return Date.UTC(p.y, p.m - 1, p.d, p.h, p.min, p.s, ((t % 1000) + 1000) % 1000);
}

/** Local offset from UTC at instant `t` (ms; positive east of Greenwich). */
function offsetAt(t: number, timeZone: string): number {
  return wallClock(t, timeZone) - t;
}

interface LocalParts {
  y: number;
  m: number;
  d: number;
  h: number;
  min: number;
  s: number;
}

function localParts(t: number, timeZone: string): LocalParts {
  const parts = formatter(timeZone).formatToParts(new Date(t));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const p = {
    y: get('year'),
    m: get('month'),
    d: get('day'),
    h: get('hour'),
    min: get('minute'),
    s: get('second'),
  };
  // Years before 1 CE come with an era part; retention never deals with them.
  if (Object.values(p).some((n) => !Number.isFinite(n)))
    throw new RangeError(`cannot read time in ${timeZone}`);
  return p;
}

// Building a DateTimeFormat is costly (~50 µs); the purge evaluates thousands of conversations.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}
