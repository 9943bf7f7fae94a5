import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { defaultNodeId } from './scaling/scalingConfig.js';

describe('loadConfig', () => {
  it('gives working defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      tzDefault: 'Asia/Tokyo',
      nodeEnv: 'development',
    });
    expect(c.dataDir).toMatch(/\.data$/);
    expect(c.media.workers).toBeGreaterThan(0);
  });

  it('names a bad PORT in its message', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT: must be an integer port/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(ConfigError);
  });

  it('lists every bad variable at once', () => {
    try {
      loadConfig({ PORT: '-1', TZ_DEFAULT: 'Mars/Olympus', PUBLIC_URL: 'not a url', NODE_ENV: 'staging' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const names = (err as ConfigError).problems.map((p) => p.split(':')[0]).sort();
      expect(names).toEqual(['NODE_ENV', 'PORT', 'PUBLIC_URL', 'TZ_DEFAULT']);
    }
  });

  it('accepts other IANA time zones and treats empty values as unset', () => {
    expect(loadConfig({ TZ_DEFAULT: 'America/New_York', PORT: '' }).tzDefault).toBe('America/New_York');
    expect(loadConfig({ PORT: '' }).port).toBe(3000);
  });

  it('bounds realtime clients by default and names bad limits', () => {
    expect(loadConfig({}).realtimeLimits).toEqual({
      check: { perIp: 2, perIpPerMinute: 10, total: 50, lifetimeMs: 30_000 },
      socketsPerUser: 10,
      anonymousPerIp: 10,
      handshakesPerIpPerMinute: 60,
      handshakesPerUserPerMinute: 30,
    });
    expect(loadConfig({ CHECK_LIFETIME_MS: '500', SOCKETS_PER_USER_MAX: '3' }).realtimeLimits).toMatchObject({
      check: { lifetimeMs: 500 },
      socketsPerUser: 3,
    });
    try {
      loadConfig({
        CHECK_MAX_PER_IP: '0',
        CHECK_MAX_TOTAL: 'many',
        SOCKETS_PER_USER_MAX: '-2',
        ANON_SOCKETS_PER_IP_MAX: '0',
        HANDSHAKES_PER_IP_PER_MINUTE: 'lots',
        HANDSHAKES_PER_USER_PER_MINUTE: '1.5',
      });
      expect.unreachable();
    } catch (err) {
      const names = (err as ConfigError).problems.map((p) => p.split(':')[0]).sort();
      expect(names).toEqual([
        'ANON_SOCKETS_PER_IP_MAX',
        'CHECK_MAX_PER_IP',
        'CHECK_MAX_TOTAL',
        'HANDSHAKES_PER_IP_PER_MINUTE',
        'HANDSHAKES_PER_USER_PER_MINUTE',
        'SOCKETS_PER_USER_MAX',
      ]);
    }
  });

  it('refuses an RTC port range that is upside down', () => {
    expect(() => loadConfig({ RTC_MIN_PORT: '50000', RTC_MAX_PORT: '40000' })).toThrow(/RTC_MIN_PORT/);
  });

  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      loadConfig(env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).problems;
    }
    return [];
  };

  it('uses the embedded SQLite store in DATA_DIR by default', () => {
    const c = loadConfig({ DATA_DIR: '/var/lib/tsudoi' });
    expect(c.store).toEqual({ kind: 'sqlite', dataDir: '/var/lib/tsudoi' });
    // Firestore settings alone do not switch engines.
    expect(loadConfig({ FIRESTORE_PROJECT_ID: 'demo-x1' }).store.kind).toBe('sqlite');
  });

  it('selects Firestore with STORE=firestore, a project id and an emulator or credentials', () => {
    expect(
      loadConfig({
        STORE: 'firestore',
        FIRESTORE_PROJECT_ID: 'demo-tsudoi',
        FIRESTORE_EMULATOR_HOST: '127.0.0.1:8080',
      }).store,
    ).toEqual({ kind: 'firestore', projectId: 'demo-tsudoi', emulatorHost: '127.0.0.1:8080' });
    expect(
      loadConfig({
        STORE: 'firestore',
        FIRESTORE_PROJECT_ID: 'acme-prod-1',
        GOOGLE_APPLICATION_CREDENTIALS: '/etc/tsudoi/key.json',
      }).store,
    ).toEqual({ kind: 'firestore', projectId: 'acme-prod-1' });
    expect(
      loadConfig({
        STORE: 'firestore',
        FIRESTORE_PROJECT_ID: 'demo-v6',
        FIRESTORE_EMULATOR_HOST: '[::1]:9000',
      }).store,
    ).toMatchObject({ emulatorHost: '[::1]:9000' });
  });

  it('names each bad store setting', () => {
    expect(problemsOf({ STORE: 'postgres' })).toEqual([expect.stringMatching(/^STORE: /)]);
    expect(problemsOf({ STORE: 'firestore', FIRESTORE_EMULATOR_HOST: '127.0.0.1:8080' })).toEqual([
      'FIRESTORE_PROJECT_ID: required with STORE=firestore',
    ]);
    expect(
      problemsOf({
        STORE: 'firestore',
        FIRESTORE_PROJECT_ID: 'acme-prod-1',
        FIRESTORE_EMULATOR_HOST: '127.0.0.1:8080',
      }),
    ).toEqual([expect.stringMatching(/^FIRESTORE_PROJECT_ID: must start with "demo-"/)]);
    expect(problemsOf({ STORE: 'firestore', FIRESTORE_PROJECT_ID: 'demo-tsudoi' })).toEqual([
      expect.stringMatching(
        /^FIRESTORE_EMULATOR_HOST: required with STORE=firestore unless GOOGLE_APPLICATION_CREDENTIALS/,
      ),
    ]);
    const names = problemsOf({
      STORE: 'firestore',
      FIRESTORE_PROJECT_ID: 'Not A Project',
      FIRESTORE_EMULATOR_HOST: 'http://127.0.0.1:8080',
    })
      .map((p) => p.split(':')[0])
      .sort();
    expect(names).toEqual(['FIRESTORE_EMULATOR_HOST', 'FIRESTORE_PROJECT_ID']);
  });

  it('runs one node without REDIS_URL; names this node and its URL', () => {
    const one = loadConfig({}).scaling;
    expect(one.redisUrl).toBeUndefined();
    expect(one.nodeId).toMatch(/^[A-Za-z0-9_.-]{1,64}$/);
    expect(one.nodeId.endsWith(`-${process.pid}`)).toBe(true);
    expect(one.nodeUrl).toBeUndefined();
    expect(loadConfig({ PUBLIC_URL: 'https://tsudoi.example.com' }).scaling.nodeUrl).toBe(
      'https://tsudoi.example.com',
    );
    expect(
      loadConfig({
        REDIS_URL: 'redis://:secret@127.0.0.1:6380/2',
        NODE_ID: 'node-a.tokyo_1',
        NODE_URL: 'https://a.tsudoi.example.com',
        PUBLIC_URL: 'https://tsudoi.example.com',
      }).scaling,
    ).toEqual({
      redisUrl: 'redis://:secret@127.0.0.1:6380/2',
      nodeId: 'node-a.tokyo_1',
      nodeUrl: 'https://a.tsudoi.example.com',
      placementTtlMs: 4_000,
      peersPerWorker: 25,
    });
    expect(loadConfig({ REDIS_URL: 'rediss://redis.internal:6380' }).scaling.redisUrl).toBe(
      'rediss://redis.internal:6380',
    );
  });

  it('names a bad REDIS_URL, NODE_ID or NODE_URL', () => {
    expect(problemsOf({ REDIS_URL: 'http://127.0.0.1:6379' })).toEqual([
      expect.stringMatching(/^REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/),
    ]);
    expect(problemsOf({ REDIS_URL: '127.0.0.1:6379' })).toEqual([expect.stringMatching(/^REDIS_URL: /)]);
    expect(problemsOf({ NODE_ID: 'node a' })).toEqual([
      expect.stringMatching(/^NODE_ID: must be 1–64 characters/),
    ]);
    expect(problemsOf({ NODE_ID: 'n'.repeat(65) })).toEqual([expect.stringMatching(/^NODE_ID: /)]);
    expect(loadConfig({ NODE_ID: 'n'.repeat(64) }).scaling.nodeId).toHaveLength(64);
    expect(problemsOf({ NODE_URL: 'a.example.com' })).toEqual([expect.stringMatching(/^NODE_URL: /)]);
    expect(problemsOf({ NODE_URL: 'ftp://a.example.com' })).toEqual([
      expect.stringMatching(/^NODE_URL: must be an http/),
    ]);
  });

  it('reads the media placement TTL and the peers per worker of a room (R23), refusing nonsense', () => {
    expect(
      loadConfig({ MEDIA_PLACEMENT_TTL_MS: '2500', MEDIA_PEERS_PER_WORKER: '12' }).scaling,
    ).toMatchObject({ placementTtlMs: 2_500, peersPerWorker: 12 });
    expect(problemsOf({ MEDIA_PLACEMENT_TTL_MS: '0' })).toEqual([
      expect.stringMatching(/^MEDIA_PLACEMENT_TTL_MS: /),
    ]);
    expect(problemsOf({ MEDIA_PEERS_PER_WORKER: 'many' })).toEqual([
      expect.stringMatching(/^MEDIA_PEERS_PER_WORKER: /),
    ]);
  });

  it('derives a valid default NODE_ID from any host name', () => {
    expect(defaultNodeId('web 1.example.com', 42)).toBe('web-1.example.com-42');
    expect(defaultNodeId('', 7)).toBe('node-7');
    expect(defaultNodeId('h'.repeat(200), 4_194_304)).toMatch(/^[A-Za-z0-9_.-]{1,64}$/);
  });
});
