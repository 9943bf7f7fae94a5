import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

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
});
