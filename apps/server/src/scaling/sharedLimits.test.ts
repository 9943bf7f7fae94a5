import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REDIS_MISSING,
  type RunningRedis,
  redisAvailable,
  startRedisServer,
} from '../testing/redisServer.js';
import { closeRedis, createRedisClient } from './redisClient.js';
import { LIMIT_COMMAND_TIMEOUT_MS, RedisLimits } from './redisLimits.js';
import { HELD_SLOT_TTL_MS, LocalLimits, type SharedLimits } from './sharedLimits.js';

const present = redisAvailable();
if (!present) console.warn(REDIS_MISSING);

const T0 = 1_800_000_000_000;

function memoryLog() {
  const lines: Array<{ level: string; event: unknown; msg: string }> = [];
  const at = (level: string) => (obj: object, msg: string) =>
    lines.push({ level, event: (obj as { event?: unknown }).event, msg });
  return { lines, info: at('info'), warn: at('warn') };
}

/** The behaviour every SharedLimits implementation has (one node or Redis). */
function contract(name: string, make: () => Promise<SharedLimits>) {
  describe(name, () => {
    let limits: SharedLimits;
    let n = 0;
    const key = (k: string) => `${k}-${++n}`; // fresh keys: one Redis serves the whole file
    beforeAll(async () => {
      limits = await make();
    });
    afterAll(() => limits?.close());

    it('token bucket: a burst of capacity, then the refill rate; another key is untouched', async () => {
      const k = key('bucket');
      const spec = { capacity: 3, perSecond: 2 };
      for (let i = 0; i < 3; i++) expect(await limits.take(k, spec, T0)).toBe(0);
      expect(await limits.take(k, spec, T0)).toBe(500);
      expect(await limits.take(key('other'), spec, T0)).toBe(0);
      expect(await limits.take(k, spec, T0 + 499)).toBeGreaterThan(0);
      expect(await limits.take(k, spec, T0 + 500)).toBe(0);
      // A clock that steps back mints nothing.
      expect(await limits.take(k, spec, T0 - 60_000)).toBeGreaterThan(0);
    });

    it('fixed window: `limit` hits, refused ones counted, a new window later', async () => {
      const k = key('window');
      for (let i = 0; i < 2; i++) expect(await limits.hit(k, 2, 10_000, T0 + i)).toBe(0);
      expect(await limits.hit(k, 2, 10_000, T0 + 4_000)).toBe(6_000);
      expect(await limits.hit(k, 2, 10_000, T0 + 9_999)).toBe(1);
      expect(await limits.hit(k, 2, 10_000, T0 + 10_000)).toBe(0);
    });

    it('sliding log: at most `limit` starts in any window; refusals not counted', async () => {
      const k = key('log');
      expect(await limits.log(k, 2, 60_000, T0)).toBe(0);
      expect(await limits.log(k, 2, 60_000, T0 + 30_000)).toBe(0);
      expect(await limits.log(k, 2, 60_000, T0 + 31_000)).toBe(29_000);
      expect(await limits.log(k, 2, 60_000, T0 + 60_000)).toBe(0); // the first start left the window
      expect(await limits.log(k, 2, 60_000, T0 + 60_001)).toBe(29_999);
    });

    it('slots: at most max held; released or expired slots free; holding again refreshes', async () => {
      const k = key('slots');
      expect(await limits.acquire(k, 'a', 2, T0, 30_000)).toBe(0);
      expect(await limits.acquire(k, 'b', 2, T0 + 1_000, 30_000)).toBe(0);
      expect(await limits.acquire(k, 'c', 2, T0 + 2_000, 30_000)).toBe(28_000); // a ends at T0+30 s
      expect(await limits.acquire(k, 'a', 2, T0 + 2_000, 30_000)).toBe(0); // a again: refreshed
      expect(await limits.held(k, T0 + 2_000)).toBe(2);
      await limits.release(k, 'b');
      await limits.release(k, 'b'); // idempotent
      expect(await limits.acquire(k, 'c', 2, T0 + 3_000, 30_000)).toBe(0);
      expect(await limits.held(k, T0 + 31_000)).toBe(2); // a refreshed at +2 s, c at +3 s
      await limits.refresh([[k, 'a']], 30_000, T0 + 31_000);
      expect(await limits.held(k, T0 + 40_000)).toBe(1); // c expired, a refreshed
      expect(await limits.acquire(k, 'd', 2, T0 + 40_000, 30_000)).toBe(0);
    });

    it('slots held until released (open sockets) stay while their node lives', async () => {
      const k = key('open');
      expect(await limits.acquire(k, 'tab1', 1, T0)).toBe(0);
      await limits.refresh([[k, 'tab1']], HELD_SLOT_TTL_MS, T0 + HELD_SLOT_TTL_MS / 2);
      expect(await limits.acquire(k, 'tab2', 1, T0 + HELD_SLOT_TTL_MS)).toBeGreaterThan(0);
      await limits.release(k, 'tab1');
      expect(await limits.acquire(k, 'tab2', 1, T0 + HELD_SLOT_TTL_MS)).toBe(0);
    });
  });
}

contract('LocalLimits (one node)', async () => new LocalLimits(T0));

describe.skipIf(!present)('RedisLimits (several nodes)', () => {
  let redis: RunningRedis;
  beforeAll(async () => {
    redis = await startRedisServer();
  }, 60_000);
  afterAll(() => redis?.dispose());

  const node = async (log = memoryLog()) => {
    const limits = new RedisLimits({
      redis: createRedisClient({ url: redis.url, role: 'limits', log, commandTimeoutMs: 1_000 }),
      log,
    });
    expect(await limits.whenReady(10_000)).toBe(true);
    return limits;
  };

  contract('contract', () => node());

  it('two nodes share one budget: 40 takes split over both get the capacity of one', async () => {
    const [a, b] = [await node(), await node()];
    try {
      const spec = { capacity: 10, perSecond: 1 };
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).take('person:split', spec, T0)),
      );
      expect(results.filter((w) => w === 0)).toHaveLength(10);
      // Slots too: a person with a cap of 3 holds 3 across both nodes, not 6.
      const held = await Promise.all(
        ['s1', 's2', 's3', 's4', 's5', 's6'].map((m, i) => (i % 2 ? a : b).acquire('tabs:split', m, 3, T0)),
      );
      expect(held.filter((w) => w === 0)).toHaveLength(3);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('Redis stopped: limits count per node (logged once); Redis back: shared again, slots written back', async () => {
    const log = memoryLog();
    const [a, b] = [await node(log), await node()];
    try {
      expect(await a.acquire('tabs:outage', 'tab-a1', 2, T0)).toBe(0);
      await redis.stop();
      // Each node now has its own budget of 3 (fail to per-node, not open, not closed).
      const spec = { capacity: 3, perSecond: 0.1 };
      const onA = await Promise.all([1, 2, 3, 4].map(() => a.take('person:outage', spec, T0)));
      const onB = await Promise.all([1, 2, 3, 4].map(() => b.take('person:outage', spec, T0)));
      expect(onA.filter((w) => w === 0)).toHaveLength(3);
      expect(onB.filter((w) => w === 0)).toHaveLength(3);
      expect(a.degraded).toBe(true);
      // Node a still knows its own tab; the cap holds on the node.
      expect(await a.acquire('tabs:outage', 'tab-a2', 2, T0)).toBe(0);
      expect(await a.acquire('tabs:outage', 'tab-a3', 2, T0)).toBeGreaterThan(0);
      const warns = log.lines.filter((l) => l.event === 'limits.redis_unavailable');
      expect(warns).toHaveLength(1);

      await redis.start(); // empty: no persistence
      expect(await a.whenReady(15_000)).toBe(true);
      await a.refresh(
        [
          ['tabs:outage', 'tab-a1'],
          ['tabs:outage', 'tab-a2'],
        ],
        60_000,
        T0 + 1_000,
      );
      expect(a.degraded).toBe(false);
      expect(log.lines.some((l) => l.event === 'limits.redis_restored')).toBe(true);
      expect(await b.whenReady(15_000)).toBe(true);
      // Back to one shared count: node b sees node a's two tabs.
      expect(await b.held('tabs:outage', T0 + 1_000)).toBe(2);
      expect(await b.acquire('tabs:outage', 'tab-b1', 2, T0 + 1_000)).toBeGreaterThan(0);
    } finally {
      await a.close();
      await b.close();
    }
  }, 60_000);

  it('a crashed node’s open slots end after HELD_SLOT_TTL_MS; a living node’s are kept alive', async () => {
    const [crashed, living, other] = [await node(), await node(), await node()];
    try {
      expect(await crashed.acquire('tabs:crash', 'gone', 2, T0)).toBe(0);
      expect(await living.acquire('tabs:crash', 'kept', 2, T0)).toBe(0);
      expect(await other.acquire('tabs:crash', 'third', 2, T0)).toBeGreaterThan(0);
      await crashed.close(); // no release: the process died; its keep-alive stopped with it
      await living.refresh([['tabs:crash', 'kept']], HELD_SLOT_TTL_MS, T0 + HELD_SLOT_TTL_MS - 1);
      expect(await other.acquire('tabs:crash', 'third', 2, T0 + HELD_SLOT_TTL_MS)).toBe(0);
      expect(await other.held('tabs:crash', T0 + HELD_SLOT_TTL_MS)).toBe(2); // kept + third
    } finally {
      await living.close();
      await other.close();
    }
  });

  it('a slow Redis: a check waits at most the command timeout, then counts locally for a second', async () => {
    const log = memoryLog();
    const limits = new RedisLimits({
      redis: createRedisClient({
        url: redis.url,
        role: 'slow',
        log,
        commandTimeoutMs: LIMIT_COMMAND_TIMEOUT_MS,
      }),
      log,
    });
    const admin = createRedisClient({ url: redis.url, role: 'admin', log: memoryLog() });
    try {
      expect(await limits.whenReady(10_000)).toBe(true);
      const spec = { capacity: 100, perSecond: 1 };
      await admin.call('CLIENT', 'PAUSE', '5000', 'ALL'); // Redis answers nobody for 5 s
      const t0 = performance.now();
      expect(await limits.take('slow', spec, T0)).toBe(0);
      const first = performance.now() - t0;
      expect(first).toBeGreaterThanOrEqual(LIMIT_COMMAND_TIMEOUT_MS - 50);
      expect(first).toBeLessThan(LIMIT_COMMAND_TIMEOUT_MS + 1_500);
      // The next ones do not wait for Redis at all.
      const t1 = performance.now();
      for (let i = 0; i < 20; i++) await limits.take('slow', spec, T0);
      expect(performance.now() - t1).toBeLessThan(100);
      expect(log.lines.filter((l) => l.event === 'limits.redis_unavailable')).toHaveLength(1);
    } finally {
      await admin.call('CLIENT', 'UNPAUSE').catch(() => undefined);
      await limits.close();
      await closeRedis(admin);
    }
  }, 30_000);

  it('keys live under tsudoi:limit: and expire once full again', async () => {
    const limits = await node();
    const raw = createRedisClient({
      url: redis.url,
      role: 'raw',
      log: memoryLog(),
      extra: { keyPrefix: '' },
    });
    try {
      await limits.take('ttl-check', { capacity: 2, perSecond: 1 }, T0);
      const keys = await raw.keys('*ttl-check*');
      expect(keys).toEqual(['tsudoi:limit:b:ttl-check']);
      const ttl = await raw.pttl(keys[0] as string);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(3_000); // 2 tokens at 1/s refill in 2 s (+1 s)
    } finally {
      await limits.close();
      await closeRedis(raw);
    }
  });
});
