import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecurityEvents } from '../audit/securityEvents.js';
import type { ApiClient } from '../testing/apiClient.js';
import { LogCapture } from '../testing/logCapture.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';
import { addressKey } from './clientIp.js';

const EVIL = 'https://evil.example';

/** A request sent the way a forged cross-site form post arrives: the user's cookies, a foreign Origin, no token. */
async function forged(t: TestApp, c: ApiClient, method: string, path: string, body?: unknown) {
  const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await fetch(t.app.url + path, {
    method,
    headers: { origin: EVIL, cookie, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('CSRF and Origin checks whatever the path spelling', () => {
  let t: TestApp;
  let owner: ApiClient;
  let wsId: string;

  beforeAll(async () => {
    t = await startTestApp();
    owner = await t.signedInUser('enc-owner@example.com');
    wsId = (await owner.post('/api/workspaces', { name: 'Enc Co' })).body.id;
  });
  afterAll(() => t?.close());

  it('refuses a forged sign-out at /%61pi/auth/signout (fastify routes it to /api/auth/signout); the session lives on', async () => {
    const res = await forged(t, owner, 'POST', '/%61pi/auth/signout', {});
    expect(res).toMatchObject({ status: 403, body: { code: 'CSRF_FAILED' } });
    expect((await owner.get('/api/session')).status).toBe(200);
    // Without an Origin header (no browser) the token is still required.
    const noOrigin = await fetch(`${t.app.url}/%61pi/auth/signout`, {
      method: 'POST',
      headers: { cookie: [...owner.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    expect(noOrigin.status).toBe(403);
    expect((await owner.get('/api/session')).status).toBe(200);
  });

  it('checks every spelling of a state-changing route that reaches a handler', async () => {
    const rest = `/workspaces/${wsId}`;
    const spellings = [
      `/api${rest}`,
      `/%61pi${rest}`,
      `/%61%70%69${rest}`,
      `/%2561pi${rest}`,
      `/API${rest}`,
      `/%41PI${rest}`,
      `/Api${rest}`,
      `/api/%77orkspaces/${wsId}`,
      `//api${rest}`,
      `/./api${rest}`,
      `/x/../api${rest}`,
      `/api${rest}?x=1`,
      `/api${rest}/`,
    ];
    let reached = 0;
    for (const [i, p] of spellings.entries()) {
      // The owner's own page (token + own origin) shows whether this spelling reaches the handler …
      const own = await owner.patch(p, { name: `Enc ${i}` });
      // … and a forged request by the same spelling must never be let through.
      const bad = await forged(t, owner, 'PATCH', p, { name: `Hijacked ${i}` });
      expect(bad.status, p).toBeGreaterThanOrEqual(400);
      if (own.status === 200) {
        reached += 1;
        expect(bad, p).toMatchObject({ status: 403, body: { code: 'CSRF_FAILED' } });
      }
    }
    expect(reached).toBeGreaterThanOrEqual(3); // /api, /%61pi, /%61%70%69 at least
    const ws = await owner.get(`/api/workspaces/${wsId}`);
    expect(ws.body.name ?? ws.body.workspace?.name).not.toMatch(/Hijacked/);
  });

  it('marks API answers no-store however the path is spelled; static pages keep their caching', async () => {
    for (const p of ['/api/session', '/%61pi/session', '/%61%70%69/session']) {
      const res = await owner.get(p);
      expect(res.status, p).toBe(200);
      const raw = await fetch(t.app.url + p);
      expect(raw.headers.get('cache-control'), p).toBe('no-store');
    }
    expect((await fetch(`${t.app.url}/healthz`)).headers.get('cache-control')).not.toBe('no-store');
  });
});

describe('per-IP auth limits count an IPv6 /64 as one address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: '127.0.0.1', AUTH_RATE_LIMIT_PER_IP: '3' });
  });
  afterAll(() => t?.close());

  const signin = async (xff: string, n: number) => {
    const c = t.client();
    c.headers['x-forwarded-for'] = xff;
    return (await c.post('/api/auth/signin', { email: `v6-${n}@example.com`, password: 'not the password' }))
      .status;
  };

  it('sign-ins from 2001:db8::1 … ::6 share one budget; another /64 has its own', async () => {
    const statuses = [];
    for (let i = 1; i <= 6; i++) statuses.push(await signin(`2001:db8::${i.toString(16)}`, i));
    expect(statuses.slice(0, 3)).not.toContain(429);
    expect(statuses.slice(3)).toEqual([429, 429, 429]);
    // Fully written out and in upper case: still the same /64.
    expect(await signin('2001:0DB8:0000:0000:ffff:0:0:7', 7)).toBe(429);
    // The neighbouring /64 is another subscriber.
    expect(await signin('2001:db8:0:1::1', 8)).not.toBe(429);
  });

  it('an IPv4-mapped address counts as the IPv4 address', async () => {
    const statuses = [];
    for (const [i, ip] of [
      '198.51.100.9',
      '::ffff:198.51.100.9',
      '::FFFF:c633:6409',
      '198.51.100.9',
    ].entries())
      statuses.push(await signin(ip, 20 + i));
    expect(statuses.slice(0, 3)).not.toContain(429);
    expect(statuses[3]).toBe(429);
    expect(await signin('198.51.100.10', 30)).not.toBe(429);
  });

  it('addressKey: one key per IPv4 address (mapped or not) and per IPv6 /64', () => {
    expect(addressKey('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(addressKey('::ffff:a01:203')).toBe('10.1.2.3');
    expect(addressKey('2001:db8::1')).toBe(addressKey('2001:0db8:0:0:ffff:ffff:ffff:ffff'));
    expect(addressKey('2001:db8::1')).not.toBe(addressKey('2001:db8:0:1::1'));
    expect(addressKey('fe80::1%eth0')).toBe(addressKey('fe80::2'));
    expect(addressKey('not an ip')).toBe('not an ip');
  });
});

describe('socket.io engine: a foreign Origin gets no engine session', () => {
  let t: TestApp;
  const log = new LogCapture();
  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: 'info' }, { logStream: log });
  });
  afterAll(() => t?.close());

  const poll = (origin?: string) =>
    fetch(`${t.app.url}/socket.io/?EIO=4&transport=polling`, { headers: origin ? { origin } : {} });

  it('refuses the polling handshake from a foreign or malformed Origin with 403 and no sid; records it', async () => {
    for (const origin of [EVIL, 'null', 'https://a.example/path']) {
      const res = await poll(origin);
      const body = await res.text();
      expect(res.status, origin).toBe(403);
      expect(body, origin).not.toContain('sid');
    }
    const ev = log.events('security.handshake_refused');
    expect(ev[0]).toMatchObject({ ip: '127.0.0.1', code: 'CSRF_FAILED', reason: 'foreign_origin' });
  });

  it("engine.io's own refusals are fixed JSON texts (not the catalogue): no echo of the request, no stack", async () => {
    const own = new URL(t.app.url).origin;
    const probes: Array<[string, RequestInit | undefined, number, number]> = [
      ['/socket.io/?EIO=99&transport=polling', undefined, 400, 5],
      ['/socket.io/?EIO=4&transport=%3Cscript%3Eevil', undefined, 400, 0],
      ['/socket.io/?EIO=4&transport=polling&sid=%3Cscript%3Ezz-marker', undefined, 400, 1],
      ['/socket.io/?EIO=4&transport=polling', { method: 'PUT', body: 'x' }, 400, 2],
      ['/socket.io/?EIO=4&transport=websocket', undefined, 400, 3],
    ];
    for (const [p, init, status, code] of probes) {
      const res = await fetch(t.app.url + p, { ...init, headers: { origin: own } });
      const text = await res.text();
      expect(res.status, p).toBe(status);
      expect(JSON.parse(text), p).toEqual({ code, message: expect.any(String) });
      expect(text, p).not.toMatch(/script|evil|zz-marker|stack|node_modules|\bat /);
    }
  });

  it('answers its own origin (and no Origin: not a browser) with a session id', async () => {
    for (const origin of [new URL(t.app.url).origin, undefined]) {
      const res = await poll(origin);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('"sid"');
    }
  });
});

describe('security events: the operator log is sampled per type and address', () => {
  let t: TestApp;
  const log = new LogCapture();
  let owner: ApiClient;
  let wsId: string;
  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: 'info', TRUST_PROXY: '127.0.0.1' }, { logStream: log });
    owner = await t.signedInUser('flood-owner@example.com');
    wsId = (await owner.post('/api/workspaces', { name: 'Flood Co' })).body.id;
  });
  afterAll(() => t?.close());

  it('50 CSRF refusals from one IP: one line now, the next a minute later with the suppressed count', async () => {
    const from = async (ip: string) => {
      const c = t.client();
      c.headers['x-forwarded-for'] = ip;
      c.headers.origin = EVIL;
      return c.post('/api/auth/signin', { email: 'x@example.com', password: 'whatever it is' });
    };
    const lines = () => log.events('security.csrf_refused').filter((e) => e.ip === '203.0.113.50');
    for (let i = 0; i < 50; i++) expect((await from('203.0.113.50')).status).toBe(403);
    expect(lines()).toHaveLength(1);
    // Another address is not hidden by the flood.
    expect((await from('203.0.113.51')).status).toBe(403);
    expect(log.events('security.csrf_refused').filter((e) => e.ip === '203.0.113.51')).toHaveLength(1);

    // Another kind of refusal from the flooding address (another route) is not hidden either.
    const other = t.client();
    other.headers['x-forwarded-for'] = '203.0.113.50';
    other.headers.origin = EVIL;
    expect((await other.post('/api/auth/password/forgot', { email: 'x@example.com' })).status).toBe(403);
    expect(lines()).toHaveLength(2);
    expect(lines()[1]).toMatchObject({ route: '/api/auth/password/forgot' });

    t.advance(61_000);
    expect((await from('203.0.113.50')).status).toBe(403);
    const signins = lines().filter((e) => e.route === '/api/auth/signin');
    expect(signins).toHaveLength(2);
    expect(signins[1]).toMatchObject({ suppressed: 49 });
  });

  it('keeps the workspace access log rows (one per minute per type, IP and workspace)', async () => {
    owner.headers['x-forwarded-for'] = '203.0.113.60';
    const token = owner.csrfToken!;
    owner.cookies.set('tsudoi_csrf', 'y'.repeat(43));
    for (let i = 0; i < 20; i++)
      expect((await owner.patch(`/api/workspaces/${wsId}`, { name: 'No' })).status).toBe(403);
    owner.cookies.set('tsudoi_csrf', token);
    expect(log.events('security.csrf_refused').filter((e) => e.ip === '203.0.113.60')).toHaveLength(1);
    await expect
      .poll(async () =>
        (await t.app.store.accessLog.list({ workspaceId: wsId })).filter(
          (e) => e.type === 'security.csrf_refused' && e.ip === '203.0.113.60',
        ),
      )
      .toHaveLength(1);
  });
});

describe('SecurityEvents sampling (unit, movable clock)', () => {
  it("a flood that stops is still reported: by the next minute's sweep, or at shutdown", () => {
    const lines: Array<Record<string, unknown>> = [];
    let now = Date.parse('2026-01-01T00:00:00Z');
    const events = new SecurityEvents({
      log: { warn: (o: Record<string, unknown>) => lines.push(o), error: () => {} } as never,
      audit: { record: async () => {} } as never,
      clock: () => new Date(now),
      workspaceExists: async () => false,
    });
    const flood = (ip: string, n: number) => {
      for (let i = 0; i < n; i++)
        events.record({ type: 'rate_limited', ip, detail: { code: 'RATE_LIMITED', retryAfterMs: i } });
    };
    flood('192.0.2.1', 30);
    flood('2001:db8::1', 5);
    flood('2001:db8::ffff', 5); // same /64
    expect(lines.map((l) => l.ip)).toEqual(['192.0.2.1', '2001:db8::1']);
    now += 61_000;
    flood('192.0.2.99', 1); // any later event sweeps quiet keys: their held-back counts are written
    expect(lines.slice(2)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ip: '192.0.2.1', suppressed: 29 }),
        expect.objectContaining({ ip: '2001:db8::1', suppressed: 9 }),
        expect.objectContaining({ ip: '192.0.2.99' }),
      ]),
    );
    expect(lines).toHaveLength(5);
    flood('192.0.2.99', 3);
    events.flush();
    expect(lines.at(-1)).toMatchObject({ ip: '192.0.2.99', suppressed: 3 });
    expect(lines).toHaveLength(6);
  });
});
