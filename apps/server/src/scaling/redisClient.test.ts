import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REDIS_MISSING,
  type RunningRedis,
  redisAvailable,
  startRedisServer,
} from '../testing/redisServer.js';
import { closeRedis, createRedisClient, reconnectDelayMs, redactedUrl } from './redisClient.js';

const present = redisAvailable();
if (!present) console.warn(REDIS_MISSING);

function memoryLog() {
  const lines: Array<{ level: string; msg: string; obj: Record<string, unknown> }> = [];
  return {
    lines,
    info: (obj: object, msg: string) =>
      lines.push({ level: 'info', msg, obj: obj as Record<string, unknown> }),
    warn: (obj: object, msg: string) =>
      lines.push({ level: 'warn', msg, obj: obj as Record<string, unknown> }),
  };
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('reconnection back-off and logged URLs', () => {
  it('grows, is capped and never gives up', () => {
    expect(reconnectDelayMs(1)).toBe(100);
    expect(reconnectDelayMs(5)).toBe(500);
    expect(reconnectDelayMs(1_000)).toBe(2_000);
    expect(reconnectDelayMs(1_000, 500)).toBe(500);
  });
  it('never logs a password', () => {
    expect(redactedUrl('redis://:s3cret@10.0.0.5:6379/1')).not.toContain('s3cret');
    expect(redactedUrl('redis://10.0.0.5:6379')).toBe('redis://10.0.0.5:6379');
  });
});

describe.skipIf(!present)('Redis clients against a real redis-server', () => {
  let redis: RunningRedis;
  let other: RunningRedis;
  beforeAll(async () => {
    [redis, other] = await Promise.all([startRedisServer(), startRedisServer()]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([redis?.dispose(), other?.dispose()]);
  });

  it('connects on first use and keeps every key under tsudoi:', async () => {
    const log = memoryLog();
    const client = createRedisClient({ url: redis.url, role: 'test', log });
    const raw = createRedisClient({ url: redis.url, role: 'raw', log, extra: { keyPrefix: '' } });
    try {
      expect(client.status).toBe('wait'); // nothing connected yet
      await client.set('k1', 'v');
      expect(await raw.get('tsudoi:k1')).toBe('v');
      expect(await raw.get('k1')).toBeNull();
      expect(await raw.client('LIST')).toContain('name=tsudoi-test');
    } finally {
      await closeRedis(client);
      await closeRedis(raw);
      await closeRedis(raw); // idempotent
    }
    expect(client.status).toBe('end');
    expect(log.lines.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('a Redis outage fails commands fast, is logged once, and heals when Redis returns', async () => {
    const log = memoryLog();
    const client = createRedisClient({ url: redis.url, role: 'outage', log, commandTimeoutMs: 1_000 });
    try {
      expect(await client.incr('n')).toBe(1);
      await redis.stop();
      const t0 = Date.now();
      await expect(client.incr('n')).rejects.toThrow();
      expect(Date.now() - t0).toBeLessThan(5_000);
      await expect(client.incr('n')).rejects.toThrow();
      const warns = log.lines.filter((l) => l.level === 'warn');
      expect(warns).toHaveLength(1);
      expect(warns[0]?.msg).toMatch(/redis: connection lost/);
      // The other redis-server this file started is untouched by the stop.
      const probe = createRedisClient({ url: other.url, role: 'probe', log });
      expect(await probe.ping()).toBe('PONG');
      await closeRedis(probe);

      await redis.start(); // same port, empty (no persistence)
      await eventually(async () => (await client.incr('n').catch(() => 0)) === 1);
      expect(log.lines.some((l) => l.level === 'info' && /connected again/.test(l.msg))).toBe(true);
    } finally {
      await closeRedis(client);
    }
  }, 60_000);

  it('a client for a Redis that is not there logs instead of throwing an unhandled error', async () => {
    const log = memoryLog();
    const port = other.port;
    await other.stop();
    const client = createRedisClient({
      url: `redis://127.0.0.1:${port}`,
      role: 'absent',
      log,
      commandTimeoutMs: 500,
    });
    await expect(client.get('x')).rejects.toThrow();
    expect(log.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    const t0 = Date.now();
    await closeRedis(client); // while it is reconnecting: returns at once, no more attempts
    expect(Date.now() - t0).toBeLessThan(500);
    expect(client.status).not.toBe('ready');
  }, 30_000);
});
