import type { SharedLimits } from '../scaling/sharedLimits.js';

/**
 * Per-socket event rate limits: one token bucket per event class, plus a bucket of "strikes" that refused
 * events drain, so a socket that keeps flooding long after its first refusal is disconnected. Pure: time
 * comes in as a function; the socket wiring is in `handle.ts`.
 */

/** A bucket holds up to `capacity` tokens (the allowed burst) and regains `perSecond` of them each second. */
export interface BucketSpec {
  capacity: number;
  perSecond: number;
}

/** A classic token bucket; `now` is milliseconds (any monotonic origin). */
export class TokenBucket {
  #tokens: number;
  #at: number;

  constructor(
    readonly spec: BucketSpec,
    now: number,
  ) {
    this.#tokens = spec.capacity;
    this.#at = now;
  }

  /** Takes one token: 0 when taken, else the milliseconds until one will be there (nothing taken). */
  take(now: number): number {
    this.#refill(now);
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.#tokens) / this.spec.perSecond) * 1000);
  }

  #refill(now: number): void {
    // A clock that steps back must not mint tokens or push the bucket into debt.
    const elapsed = Math.max(0, now - this.#at);
    this.#tokens = Math.min(this.spec.capacity, this.#tokens + (elapsed / 1000) * this.spec.perSecond);
    this.#at = Math.max(this.#at, now);
  }
}

/** The event classes a socket is limited by, each with its own bucket. */
export type EventClass = 'chat' | 'floor' | 'mediaSetup' | 'media' | 'check' | 'other';

/** Events that make the SFU allocate (and fan out to the room): a much smaller budget than the rest of media:*. */
const MEDIA_SETUP = new Set(['media:join', 'media:createTransport', 'media:produce', 'media:closeProducer']);

/** The class of a client event, by its name. */
export function eventClassOf(event: string): EventClass {
  if (MEDIA_SETUP.has(event)) return 'mediaSetup';
  const prefix = event.slice(0, event.indexOf(':') + 1);
  switch (prefix) {
    case 'chat:':
    case 'thread:':
      return 'chat';
    case 'room:':
    case 'presence:':
    case 'knock:':
    case 'oneOnOne:':
      return 'floor';
    case 'media:':
      return 'media';
    case 'check:':
      return 'check';
    default:
      return 'other';
  }
}

/**
 * Default budgets. A person types a few messages a minute and the client sends a burst of requests when a
 * page opens (history, threads) or a room's tiles appear (one resume + one layer choice per tile), so
 * bursts are generous and sustained rates are well above human use and far below a script's.
 */
export const EVENT_LIMITS: Readonly<Record<EventClass, BucketSpec>> = {
  chat: { capacity: 30, perSecond: 3 },
  floor: { capacity: 20, perSecond: 2 },
  mediaSetup: { capacity: 20, perSecond: 1 },
  media: { capacity: 300, perSecond: 50 },
  // The connection check polls its stats four times a second for up to 15 s.
  check: { capacity: 20, perSecond: 5 },
  other: { capacity: 30, perSecond: 10 },
};

/** Refused events drain this bucket; when it is empty the socket is disconnected (~500 refusals at once, or >50/s sustained). */
export const FLOOD_LIMIT: Readonly<BucketSpec> = { capacity: 500, perSecond: 50 };

/** A class that refused nothing for this long starts a new episode of refusals (reported again). */
const REPORT_QUIET_MS = 60_000;

export type Verdict =
  | { ok: true }
  | {
      ok: false;
      eventClass: EventClass;
      retryAfterMs: number;
      /** The first refusal of this class in a minute (record that, not every refused event). */
      first: boolean;
      /** The socket keeps flooding: disconnect it. */
      disconnect: boolean;
    };

/** One socket's buckets, created lazily per class. */
export class SocketRateLimiter {
  readonly #buckets = new Map<EventClass, TokenBucket>();
  readonly #strikes: TokenBucket;
  /** When each class last refused an event. */
  readonly #refusedAt = new Map<EventClass, number>();
  /** The last verdict still waiting for the shared budget (several nodes). */
  #pending: Promise<void> | undefined;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly limits: Readonly<Record<EventClass, BucketSpec>> = EVENT_LIMITS,
    flood: BucketSpec = FLOOD_LIMIT,
    /** A second, shared bucket the event must also pass (the person's, see {@link PersonRateLimits}). */
    private readonly shared?: (eventClass: EventClass, now: number) => number | Promise<number>,
  ) {
    this.#strikes = new TokenBucket(flood, now());
  }

  /**
   * Counts one event; says whether it may run. Synchronous unless the person's budget lives elsewhere
   * (Redis, several nodes): then a Promise, and the socket's later verdicts wait for it, so a socket's
   * events still run in the order they came.
   */
  check(event: string): Verdict | Promise<Verdict> {
    const now = this.now();
    const eventClass = eventClassOf(event);
    let bucket = this.#buckets.get(eventClass);
    if (!bucket) {
      bucket = new TokenBucket(this.limits[eventClass], now);
      this.#buckets.set(eventClass, bucket);
    }
    const retryAfterMs = bucket.take(now);
    if (retryAfterMs > 0 || !this.shared) return this.#inOrder(this.#verdict(eventClass, retryAfterMs, now));
    const shared = this.shared(eventClass, now);
    return this.#inOrder(
      typeof shared === 'number'
        ? this.#verdict(eventClass, shared, now)
        : shared.then((wait) => this.#verdict(eventClass, wait, now)),
    );
  }

  #verdict(eventClass: EventClass, retryAfterMs: number, now: number): Verdict {
    if (retryAfterMs === 0) return { ok: true };
    const last = this.#refusedAt.get(eventClass);
    const first = last === undefined || now - last >= REPORT_QUIET_MS;
    this.#refusedAt.set(eventClass, now);
    return { ok: false, eventClass, retryAfterMs, first, disconnect: this.#strikes.take(now) > 0 };
  }

  /** A verdict behind the socket's pending ones (only while one is pending: the one-node path stays synchronous). */
  #inOrder(v: Verdict | Promise<Verdict>): Verdict | Promise<Verdict> {
    if (!this.#pending && !(v instanceof Promise)) return v;
    const after = (this.#pending ?? Promise.resolve()).then(() => v);
    const pending = after.then(() => undefined);
    this.#pending = pending;
    void pending.then(() => {
      if (this.#pending === pending) this.#pending = undefined;
    });
    return after;
  }
}

/**
 * Budgets shared by all of one person's sockets in a workspace, on top of each socket's own: closing a
 * socket and opening a new one (a reconnect) does not refill them. Only the classes that store, fan out
 * or make the SFU allocate; chat equals the per-socket budget (a person has one pair of hands, however
 * many tabs), floor and media set-up leave room for several tabs coming back at once.
 */
export const PERSON_LIMITS: Readonly<Partial<Record<EventClass, BucketSpec>>> = {
  chat: { capacity: 30, perSecond: 3 },
  floor: { capacity: 40, perSecond: 4 },
  mediaSetup: { capacity: 30, perSecond: 1.5 },
};

/** A person whose buckets were untouched this long has them all full again: forgetting them changes nothing. */
const PERSON_IDLE_MS = 60_000;

/**
 * Token buckets by key, made full on first use and held by whoever outlives the sockets (the gateway, a
 * handshake middleware). Memory stays bounded: a bucket untouched for `idleMs` is forgotten, swept at most
 * once per `idleMs` — callers choose specs that refill within `idleMs`, so forgetting gives nobody tokens.
 */
export class KeyedBuckets {
  readonly #buckets = new Map<string, { bucket: TokenBucket; at: number }>();
  #sweptAt: number;

  constructor(
    private readonly idleMs: number,
    now: number,
  ) {
    this.#sweptAt = now;
  }

  /** Buckets remembered now. */
  get size(): number {
    return this.#buckets.size;
  }

  /** Takes one token of the key's bucket: 0 when taken, else the milliseconds to wait. */
  take(key: string, spec: BucketSpec, now: number): number {
    if (now - this.#sweptAt >= this.idleMs) {
      this.#sweptAt = now;
      for (const [k, b] of this.#buckets) if (now - b.at >= this.idleMs) this.#buckets.delete(k);
    }
    let entry = this.#buckets.get(key);
    if (!entry) {
      entry = { bucket: new TokenBucket(spec, now), at: now };
      this.#buckets.set(key, entry);
    }
    entry.at = Math.max(entry.at, now);
    return entry.bucket.take(now);
  }
}

/**
 * The per-person buckets, keyed by (workspaceId, userId, class); held by the gateway so they outlive
 * sockets. A bucket idle for a minute (refilled) is forgotten.
 */
export class PersonRateLimits {
  readonly #buckets: KeyedBuckets;

  constructor(
    private readonly limits: Readonly<Partial<Record<EventClass, BucketSpec>>> = PERSON_LIMITS,
    now = Date.now(),
    /** Several nodes: the buckets live there (scaling/sharedLimits.ts), one per person across the nodes. */
    private readonly shared?: Pick<SharedLimits, 'take'>,
  ) {
    for (const [cls, spec] of Object.entries(limits)) {
      if (spec.capacity / spec.perSecond > PERSON_IDLE_MS / 1000)
        throw new Error(`${cls}: a bucket must refill within ${PERSON_IDLE_MS / 1000} s`);
    }
    this.#buckets = new KeyedBuckets(PERSON_IDLE_MS, now);
  }

  /** Buckets remembered now (one per person and class in use). */
  get size(): number {
    return this.#buckets.size;
  }

  /** Takes one token of the person's bucket for the class: 0 when taken (or the class is not shared), else ms to wait. */
  take(workspaceId: string, userId: string, eventClass: EventClass, now: number): number | Promise<number> {
    const spec = this.limits[eventClass];
    if (!spec) return 0;
    const key = `${workspaceId}:${userId}:${eventClass}`;
    return this.shared ? this.shared.take(`person:${key}`, spec, now) : this.#buckets.take(key, spec, now);
  }
}
