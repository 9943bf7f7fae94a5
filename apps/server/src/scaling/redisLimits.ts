import type { Redis } from 'ioredis';
import type { BucketSpec } from '../realtime/rateLimit.js';
import { closeRedis, createRedisClient, type RedisLogger } from './redisClient.js';
import { HELD_SLOT_TTL_MS, LocalLimits, type SharedLimits } from './sharedLimits.js';

/**
 * {@link SharedLimits} in Redis (several nodes): each operation is one Lua script on one key, so two nodes
 * counting the same person or address at the same moment cannot both take the last token. Keys live under
 * `tsudoi:limit:` and expire once they would be full/empty again anyway, so Redis holds only recent clients.
 *
 * Redis unreachable (not connected, an error or a timeout): the operation falls back to this node's own
 * in-memory counts ({@link LocalLimits}) — every limit still holds per node (at most N× its budget over N
 * nodes); nothing fails closed, so a Redis outage does not lock people out (R21). The switch is logged once
 * per outage (`limits.redis_unavailable`, warn) and when Redis answers again (`limits.redis_restored`).
 * Slots admitted by Redis are mirrored locally, and `refresh` writes this node's slots back into Redis, so
 * after an outage the shared count is whole again within one refresh.
 */

/** KEYS[1] bucket hash; ARGV capacity, perSecond, now, ttlMs → 0 or ms to wait. */
const TAKE = `
local cap = tonumber(ARGV[1]); local rate = tonumber(ARGV[2]); local now = tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 't', 'at')
local tokens = tonumber(b[1]); local at = tonumber(b[2])
if tokens == nil or at == nil then tokens = cap; at = now end
local elapsed = now - at
if elapsed < 0 then elapsed = 0 end
tokens = math.min(cap, tokens + elapsed / 1000 * rate)
if now > at then at = now end
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate * 1000) end
redis.call('HSET', KEYS[1], 't', string.format('%.6f', tokens), 'at', string.format('%d', at))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return wait`;

/** KEYS[1] window hash; ARGV limit, windowMs, now → 0 or ms until the window resets. */
const HIT = `
local limit = tonumber(ARGV[1]); local win = tonumber(ARGV[2]); local now = tonumber(ARGV[3])
local w = redis.call('HMGET', KEYS[1], 's', 'c')
local s = tonumber(w[1])
if s == nil or now - s >= win or now < s then
  redis.call('HSET', KEYS[1], 's', string.format('%d', now), 'c', 1)
  redis.call('PEXPIRE', KEYS[1], win)
  if limit >= 1 then return 0 end
  return win
end
local c = redis.call('HINCRBY', KEYS[1], 'c', 1)
if c > limit then return math.max(1, s + win - now) end
return 0`;

/** KEYS[1] zset of start times; ARGV limit, windowMs, now, unique member → 0 or ms to wait. */
const LOG = `
local limit = tonumber(ARGV[1]); local win = tonumber(ARGV[2]); local now = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - win)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(first[2]) + win - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], win)
return 0`;

/** KEYS[1] zset member → expiry; ARGV max, member, now, ttlMs → 0 or ms until the soonest slot ends. */
const ACQUIRE = `
local max = tonumber(ARGV[1]); local now = tonumber(ARGV[3]); local ttl = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[2]) == false and redis.call('ZCARD', KEYS[1]) >= max then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(first[2]) - now)
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[2])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 0`;

/** KEYS[1] zset; ARGV now → slots held. */
const HELD = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]))
return redis.call('ZCARD', KEYS[1])`;

type Script = (key: string, ...args: Array<string | number>) => Promise<number>;
interface LimitCommands {
  tsudoiTake: Script;
  tsudoiHit: Script;
  tsudoiLog: Script;
  tsudoiAcquire: Script;
  tsudoiHeld: Script;
}

const STARTING = new Set(['wait', 'connecting', 'connect']);
/** After a failed or timed-out command, count locally this long before asking Redis again. */
const SKIP_AFTER_FAILURE_MS = 1_000;
/** A limit check waits at most this long for Redis, then counts locally. */
export const LIMIT_COMMAND_TIMEOUT_MS = 2_000;

const K = (key: string) => `limit:${key}`;

export interface RedisLimitsOptions {
  redis: Redis;
  log: RedisLogger;
  /** Closes the client with the limits (default true: the client is theirs). */
  ownsClient?: boolean;
  /** The clock slots are kept alive with (the app's; tests move it). */
  now?: () => number;
}

export class RedisLimits implements SharedLimits {
  readonly local: LocalLimits;
  readonly #redis: Redis & LimitCommands;
  readonly #log: RedisLogger;
  readonly #owns: boolean;
  readonly #now: () => number;
  /** Slots held until released on this node, kept alive in Redis by a timer. */
  readonly #kept = new Map<string, readonly [string, string]>();
  readonly #keepAlive: NodeJS.Timeout;
  #seq = 0;
  #degraded = false;
  /** Until then (performance.now()) limits count locally without asking Redis. */
  #skipUntil = 0;

  constructor(options: RedisLimitsOptions, now = Date.now()) {
    this.local = new LocalLimits(now);
    this.#log = options.log;
    this.#owns = options.ownsClient ?? true;
    const r = options.redis;
    r.defineCommand('tsudoiTake', { numberOfKeys: 1, lua: TAKE });
    r.defineCommand('tsudoiHit', { numberOfKeys: 1, lua: HIT });
    r.defineCommand('tsudoiLog', { numberOfKeys: 1, lua: LOG });
    r.defineCommand('tsudoiAcquire', { numberOfKeys: 1, lua: ACQUIRE });
    r.defineCommand('tsudoiHeld', { numberOfKeys: 1, lua: HELD });
    this.#redis = r as Redis & LimitCommands;
    this.#now = options.now ?? Date.now;
    this.#keepAlive = setInterval(() => {
      void this.refresh([...this.#kept.values()], HELD_SLOT_TTL_MS, this.#now());
    }, HELD_SLOT_TTL_MS / 3);
    this.#keepAlive.unref();
    // Connect now (lazy clients wait for a first command): until Redis answers, counts are local.
    if (r.status === 'wait') r.connect().catch(() => undefined);
  }

  /** True while Redis is unreachable and limits count per node. */
  get degraded(): boolean {
    return this.#degraded;
  }

  /** Resolves true once Redis answers (false after `timeoutMs`): start-up need not wait for it. */
  whenReady(timeoutMs = 5_000): Promise<boolean> {
    const r = this.#redis;
    if (r.status === 'ready') return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        r.off('ready', onReady);
        resolve(ok);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      r.on('ready', onReady);
    });
  }

  take(key: string, spec: BucketSpec, now: number): Promise<number> {
    const ttl = Math.ceil((spec.capacity / spec.perSecond) * 1000) + 1_000;
    return this.#shared(
      (r) => r.tsudoiTake(K(`b:${key}`), spec.capacity, spec.perSecond, Math.floor(now), ttl),
      () => this.local.takeNow(key, spec, now),
    );
  }

  hit(key: string, limit: number, windowMs: number, now: number): Promise<number> {
    return this.#shared(
      (r) => r.tsudoiHit(K(`w:${key}`), limit, windowMs, Math.floor(now)),
      () => this.local.hitNow(key, limit, windowMs, now),
    );
  }

  log(key: string, limit: number, windowMs: number, now: number): Promise<number> {
    const member = `${Math.floor(now)}-${process.pid}-${++this.#seq}`;
    return this.#shared(
      (r) => r.tsudoiLog(K(`l:${key}`), limit, windowMs, Math.floor(now), member),
      () => this.local.logNow(key, limit, windowMs, now),
    );
  }

  async acquire(key: string, member: string, max: number, now: number, ttlMs?: number): Promise<number> {
    const ttl = ttlMs ?? HELD_SLOT_TTL_MS;
    const wait = await this.#shared(
      (r) => r.tsudoiAcquire(K(`s:${key}`), max, member, Math.floor(now), ttl),
      () => this.local.acquireNow(key, member, max, now, ttlMs),
    );
    if (wait > 0) return wait;
    this.local.holdNow(key, member, now, ttlMs); // the fallback knows this node's slots
    if (ttlMs === undefined) this.#kept.set(`${key}\n${member}`, [key, member]);
    return 0;
  }

  async release(key: string, member: string): Promise<void> {
    this.local.releaseNow(key, member);
    this.#kept.delete(`${key}\n${member}`);
    if (this.#redis.status !== 'ready') return; // gone from Redis with its TTL
    await this.#redis.zrem(K(`s:${key}`), member).catch((err) => this.#down(err));
  }

  async refresh(slots: ReadonlyArray<readonly [string, string]>, ttlMs: number, now: number): Promise<void> {
    this.local.refreshNow(slots, ttlMs, now);
    if (slots.length === 0 || this.#redis.status !== 'ready') return;
    const until = Math.floor(now) + ttlMs;
    const batch = this.#redis.pipeline();
    for (const [key, member] of slots) {
      batch.zadd(K(`s:${key}`), until, member); // adds back slots taken while Redis was away
      batch.pexpire(K(`s:${key}`), ttlMs);
    }
    try {
      const results = (await batch.exec()) ?? [];
      const failed = results.find(([err]) => err);
      if (failed) throw failed[0];
      this.#up();
    } catch (err) {
      this.#down(err);
    }
  }

  held(key: string, now: number): Promise<number> {
    return this.#shared(
      (r) => r.tsudoiHeld(K(`s:${key}`), Math.floor(now)),
      () => this.local.heldNow(key, now),
    );
  }

  async close(): Promise<void> {
    clearInterval(this.#keepAlive);
    if (this.#owns) await closeRedis(this.#redis);
  }

  async #shared(remote: (r: LimitCommands) => Promise<number>, local: () => number): Promise<number> {
    const status = this.#redis.status;
    if (status !== 'ready') {
      // Still starting: local without an alarm; lost (reconnecting, closed): local, logged once.
      if (!STARTING.has(status)) this.#down(new Error(`redis ${status}`));
      return local();
    }
    // A Redis that answered late or failed a moment ago is not asked again for a second: a slow Redis
    // must not make every event wait for its timeout.
    if (performance.now() < this.#skipUntil) return local();
    try {
      const n = Number(await remote(this.#redis));
      this.#up();
      return n;
    } catch (err) {
      this.#skipUntil = performance.now() + SKIP_AFTER_FAILURE_MS;
      this.#down(err);
      return local();
    }
  }

  #down(err: unknown): void {
    if (this.#degraded) return;
    this.#degraded = true;
    this.#log.warn(
      { event: 'limits.redis_unavailable', err },
      'limits: Redis unreachable; rate limits and caps count on this node only until it answers',
    );
  }

  #up(): void {
    if (!this.#degraded) return;
    this.#degraded = false;
    this.#log.info({ event: 'limits.redis_restored' }, 'limits: Redis answers again; limits are shared');
  }
}

/** The limits of a node: in Redis with REDIS_URL (several nodes), else undefined (each limit keeps its own, in process). */
export function sharedLimitsFor(redisUrl: string | undefined, log: RedisLogger): RedisLimits | undefined {
  if (!redisUrl) return undefined;
  const redis = createRedisClient({
    url: redisUrl,
    role: 'limits',
    log,
    commandTimeoutMs: LIMIT_COMMAND_TIMEOUT_MS,
  });
  return new RedisLimits({ redis, log });
}
