import { type BucketSpec, KeyedBuckets } from '../realtime/rateLimit.js';

/**
 * Where rate limits and caps keep their counts. One node: in this process ({@link LocalLimits}, the
 * default). Several nodes (REDIS_URL): in Redis, one atomic script per key (scaling/redisLimits.ts), so a
 * person or an address spread over the nodes has one budget, not one per node. Every method takes the
 * caller's clock (`now`, ms) so tests move time; keys are namespaced by the caller (`signin:1.2.3.4`).
 */
export interface SharedLimits {
  /** Token bucket: takes one token of `key`'s bucket: 0 when taken, else the milliseconds to wait. The
   * bucket must refill within 10 minutes (an idle full bucket is forgotten). */
  take(key: string, spec: BucketSpec, now: number): Promise<number>;
  /** Fixed window: counts one hit (refused ones too): 0 while within `limit`, else ms until the window resets. */
  hit(key: string, limit: number, windowMs: number, now: number): Promise<number>;
  /** Sliding log: at most `limit` starts within any `windowMs`; counts only admitted starts. 0 or ms to wait. */
  log(key: string, limit: number, windowMs: number, now: number): Promise<number>;
  /**
   * Slots: `member` holds one of at most `max` slots of `key` until released, or `ttlMs` after it was taken
   * (a connection check's lifetime). Without `ttlMs` the slot is held until released (an open socket): with
   * several nodes the holding node keeps it alive ({@link HELD_SLOT_TTL_MS}), so a crashed node's slots end.
   * 0 when held, else ms until the soonest slot ends. Taking a held slot again refreshes it.
   */
  acquire(key: string, member: string, max: number, now: number, ttlMs?: number): Promise<number>;
  /** Gives a slot back (idempotent). */
  release(key: string, member: string): Promise<void>;
  /** Keeps slots this node holds alive for another `ttlMs` (sockets that stay open longer than a TTL). */
  refresh(
    slots: ReadonlyArray<readonly [key: string, member: string]>,
    ttlMs: number,
    now: number,
  ): Promise<void>;
  /** Slots of `key` held now (tests, metrics). */
  held(key: string, now: number): Promise<number>;
  close(): Promise<void>;
}

/** A slot held until released lives this long in Redis unless its node refreshes it (every third of it). */
export const HELD_SLOT_TTL_MS = 60_000;

/** A key untouched this long is forgotten by {@link LocalLimits} (windows and buckets callers use refill sooner). */
const LOCAL_IDLE_MS = 3_600_000;
/** A bucket untouched this long is forgotten: every caller's bucket refills sooner (see `take`). */
const BUCKET_IDLE_MS = 600_000;

/** The single-node implementation: every count in this process, as before several nodes. */
export class LocalLimits implements SharedLimits {
  readonly #buckets: KeyedBuckets;
  readonly #windows = new Map<string, { start: number; count: number }>();
  readonly #logs = new Map<string, number[]>();
  readonly #slots = new Map<string, Map<string, number>>();
  #sweptAt: number;

  constructor(now = Date.now()) {
    this.#buckets = new KeyedBuckets(BUCKET_IDLE_MS, now);
    this.#sweptAt = now;
  }

  /** The synchronous core of {@link take} (the Redis implementation's fallback uses it too). */
  takeNow(key: string, spec: BucketSpec, now: number): number {
    return this.#buckets.take(key, spec, now);
  }

  async take(key: string, spec: BucketSpec, now: number): Promise<number> {
    return this.takeNow(key, spec, now);
  }

  hitNow(key: string, limit: number, windowMs: number, now: number): number {
    this.#sweep(now);
    const w = this.#windows.get(key);
    if (!w || now - w.start >= windowMs || now < w.start) {
      this.#windows.set(key, { start: now, count: 1 });
      return limit >= 1 ? 0 : windowMs;
    }
    w.count++;
    return w.count > limit ? Math.max(1, w.start + windowMs - now) : 0;
  }

  async hit(key: string, limit: number, windowMs: number, now: number): Promise<number> {
    return this.hitNow(key, limit, windowMs, now);
  }

  logNow(key: string, limit: number, windowMs: number, now: number): number {
    this.#sweep(now);
    const starts = (this.#logs.get(key) ?? []).filter((t) => t > now - windowMs);
    this.#logs.set(key, starts);
    if (starts.length >= limit) return Math.max(1, Math.min(...starts) + windowMs - now);
    starts.push(now);
    return 0;
  }

  async log(key: string, limit: number, windowMs: number, now: number): Promise<number> {
    return this.logNow(key, limit, windowMs, now);
  }

  acquireNow(key: string, member: string, max: number, now: number, ttlMs?: number): number {
    const slots = this.#live(key, now);
    if (!slots.has(member) && slots.size >= max) return Math.max(1, Math.min(...slots.values()) - now);
    slots.set(member, ttlMs === undefined ? Number.POSITIVE_INFINITY : now + ttlMs);
    this.#slots.set(key, slots);
    return 0;
  }

  async acquire(key: string, member: string, max: number, now: number, ttlMs?: number): Promise<number> {
    return this.acquireNow(key, member, max, now, ttlMs);
  }

  /** Records a slot without a limit (a mirror of what Redis admitted, for the fallback). */
  holdNow(key: string, member: string, now: number, ttlMs?: number): void {
    const slots = this.#live(key, now);
    slots.set(member, ttlMs === undefined ? Number.POSITIVE_INFINITY : now + ttlMs);
    this.#slots.set(key, slots);
  }

  releaseNow(key: string, member: string): void {
    const slots = this.#slots.get(key);
    slots?.delete(member);
    if (slots?.size === 0) this.#slots.delete(key);
  }

  async release(key: string, member: string): Promise<void> {
    this.releaseNow(key, member);
  }

  refreshNow(slots: ReadonlyArray<readonly [string, string]>, ttlMs: number, now: number): void {
    for (const [key, member] of slots) {
      const held = this.#slots.get(key);
      const until = held?.get(member);
      if (held && until !== undefined && until !== Number.POSITIVE_INFINITY) held.set(member, now + ttlMs);
    }
  }

  async refresh(slots: ReadonlyArray<readonly [string, string]>, ttlMs: number, now: number): Promise<void> {
    this.refreshNow(slots, ttlMs, now);
  }

  heldNow(key: string, now: number): number {
    return this.#live(key, now).size;
  }

  async held(key: string, now: number): Promise<number> {
    return this.heldNow(key, now);
  }

  async close(): Promise<void> {}

  /** The key's unexpired slots (expired ones dropped). */
  #live(key: string, now: number): Map<string, number> {
    const slots = this.#slots.get(key) ?? new Map<string, number>();
    for (const [m, until] of slots) if (until <= now) slots.delete(m);
    if (slots.size === 0) this.#slots.delete(key);
    return slots;
  }

  /** Forgets windows and logs untouched for an hour, at most once an hour (bounded memory). */
  #sweep(now: number): void {
    if (now - this.#sweptAt < LOCAL_IDLE_MS) return;
    this.#sweptAt = now;
    for (const [k, w] of this.#windows) if (now - w.start >= LOCAL_IDLE_MS) this.#windows.delete(k);
    for (const [k, l] of this.#logs) if (!l.some((t) => t > now - LOCAL_IDLE_MS)) this.#logs.delete(k);
  }
}
