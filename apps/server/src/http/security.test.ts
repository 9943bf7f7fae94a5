import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PROTOCOL_VERSION } from '@tsudoi/protocol';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../testing/apiClient.js';
import { LogCapture } from '../testing/logCapture.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';

const SECRET = 'Zx9Qw2Er4Ty6Ui8Op0As1Df3Gh5Jk7Lz9Xc2Vb4Nm6';

/** One raw HTTP/1.1 exchange (for requests fetch refuses to send); resolves with status and body. */
function rawRequest(url: string, request: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(port), hostname, () => sock.write(request));
    let data = '';
    sock.on('data', (c) => {
      data += c.toString();
    });
    sock.on('error', reject);
    sock.on('close', () => {
      const [head = '', ...rest] = data.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), body: rest.join('\r\n\r\n') });
    });
  });
}

const noStack = (body: unknown) => {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/stack|\n\s+at |node_modules|FST_|Unexpected token/);
};

/** A workspace socket with chosen Origin and X-Forwarded-For; resolves once the handshake is answered. */
function openSocket(
  url: string,
  opts: { cookies?: ApiClient; origin?: string; xff?: string; workspaceId?: string },
): Promise<{ s: Socket; error?: string }> {
  const headers: Record<string, string> = {};
  if (opts.origin) headers.origin = opts.origin;
  if (opts.xff) headers['x-forwarded-for'] = opts.xff;
  if (opts.cookies) headers.cookie = [...opts.cookies.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const s = connect(url, {
    auth: {
      protocolVersion: PROTOCOL_VERSION,
      ...(opts.workspaceId ? { workspaceId: opts.workspaceId } : {}),
    },
    transports: ['websocket'],
    extraHeaders: headers,
    reconnection: false,
  });
  return new Promise((resolve) => {
    s.once('connect', () => resolve({ s }));
    s.once('connect_error', (err: Error & { data?: { code: string } }) =>
      resolve({ s, error: err.data?.code ?? err.message }),
    );
  });
}

describe('headers, errors, CSRF and logs (test mode)', () => {
  let t: TestApp;
  const log = new LogCapture();
  let owner: ApiClient;
  let outsider: ApiClient;
  let wsId: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: 'info' }, { logStream: log });
    owner = await t.signedInUser('sec-owner@example.com');
    wsId = (await owner.post('/api/workspaces', { name: 'Sec Co' })).body.id;
    outsider = await t.signedInUser('sec-outsider@example.com');
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });
  afterAll(() => t?.close());

  const accessLog = () => t.app.store.accessLog.list({ workspaceId: wsId });

  it('sends CSP (frame-ancestors none, no inline script), nosniff and Referrer-Policy; no HSTS outside production', async () => {
    for (const p of ['/healthz', '/api/session', '/nowhere']) {
      const res = await fetch(t.app.url + p);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, p).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("object-src 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
    expect((await fetch(`${t.app.url}/api/session`)).headers.get('cache-control')).toBe('no-store');
  });

  it('answers a malformed or foreign Origin with a catalogue 4xx, never a 500 or a stack', async () => {
    const c = t.client();
    await c.get('/api/session');
    const post = (origin: string) =>
      fetch(`${t.app.url}/api/auth/signin`, {
        method: 'POST',
        headers: {
          origin,
          'content-type': 'application/json',
          'x-csrf-token': c.csrfToken!,
          cookie: `tsudoi_csrf=${c.csrfToken}`,
        },
        body: JSON.stringify({ email: 'a@example.com', password: 'whatever it is' }),
      });
    for (const bad of ['not a url', 'https://a.example/path', 'https://a.example, https://b.example', '%']) {
      const res = await post(bad);
      expect(res.status, bad).toBe(400);
      const body = await res.json();
      expect(body).toEqual({ code: 'BAD_REQUEST', message: 'Malformed Origin header.' });
    }
    const foreign = await post('https://evil.example');
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ code: 'CSRF_FAILED' });
    // The page's own origin passes the Origin check.
    expect((await post(new URL(t.app.url).origin)).status).toBe(401);
  });

  it('maps bad JSON, content types, header syntax and cookies to catalogue 4xx bodies', async () => {
    const c = t.client();
    await c.get('/api/session');
    const headers = { 'x-csrf-token': c.csrfToken!, cookie: `tsudoi_csrf=${c.csrfToken}` };
    const badJson = await fetch(`${t.app.url}/api/auth/signin`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{"email":',
    });
    expect(badJson.status).toBe(400);
    const jsonBody = await badJson.json();
    expect(jsonBody).toEqual({ code: 'BAD_REQUEST', message: 'The request body is not valid JSON.' });
    noStack(jsonBody);

    const badType = await fetch(`${t.app.url}/api/auth/signin`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-evil' },
      body: 'x',
    });
    expect(badType.status).toBe(400);
    expect(await badType.json()).toEqual({ code: 'BAD_REQUEST', message: 'Unsupported content type.' });

    // Cookies the parser cannot decode are no session, not a crash.
    const badCookie = await fetch(`${t.app.url}/api/session`, {
      headers: { cookie: 'tsudoi_session=%E0%A4%A; =; ;tsudoi_csrf="unterminated; ==x; tsudoi_session' },
    });
    expect(badCookie.status).toBe(401);
    expect(await badCookie.json()).toMatchObject({ code: 'UNAUTHENTICATED' });

    // Header syntax node's parser refuses, a missing Host, a mangled Host.
    const { host } = new URL(t.app.url);
    for (const req of [
      `GET /api/session HTTP/1.1\r\nHost: ${host}\r\nBad Header: x\r\n\r\n`,
      `GET /api/session HTTP/1.1\r\nHost: ${host}\r\nX-Ok: a\u0000b\r\n\r\n`,
      'GET /api/session HTTP/1.1\r\nConnection: close\r\n\r\n',
      'GET /api/session HTTP/1.1\r\nHost: a b c/../\r\nConnection: close\r\n\r\n',
      `GET /%zz HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
      `GET /api/session HTTP/1.1\r\nHost: ${host}\r\nCookie: tsudoi_session=\u0001\u00ff%%\r\nConnection: close\r\n\r\n`,
    ]) {
      const res = await rawRequest(t.app.url, req);
      expect(res.status, JSON.stringify(req)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(req)).toBeLessThan(500);
      if (res.body) {
        const body = JSON.parse(res.body);
        expect(body.code, `${JSON.stringify(req)} → ${res.status} ${res.body}`).toMatch(
          /^(BAD_REQUEST|NOT_FOUND|UNAUTHENTICATED)$/,
        );
        noStack(body);
      }
    }
    expect(log.entries.some((e) => e.level === 50)).toBe(false); // nothing was an internal error
  });

  it('keeps link tokens, cookies and authorization out of the request log', async () => {
    await fetch(`${t.app.url}/verify?token=${SECRET}`);
    await fetch(`${t.app.url}/reset-password?token=${SECRET}`);
    await fetch(`${t.app.url}/invite/${SECRET}`);
    await fetch(`${t.app.url}/api/invitations/${SECRET}`, {
      headers: { cookie: `tsudoi_session=${SECRET}x`, authorization: `Bearer ${SECRET}y` },
    });
    const seen = log.entries.filter((e) => (e.req as { url?: string } | undefined)?.url);
    const urls = seen.map((e) => (e.req as { url: string }).url);
    expect(urls).toContain('/verify?token=[redacted]');
    expect(urls).toContain('/reset-password?token=[redacted]');
    expect(urls).toContain('/invite/[redacted]');
    expect(urls).toContain('/api/invitations/[redacted]');
    expect(log.text()).not.toContain(SECRET);
  });

  it('binds the CSRF token to the session: another session’s token or a planted cookie is refused', async () => {
    const a = await t.signedInUser('csrf-a@example.com');
    const b = await t.signedInUser('csrf-b@example.com');
    // The page gets its session's token in the cookie and in the session info.
    const info = await a.get('/api/session');
    expect(info.body.csrfToken).toBe(a.csrfToken);
    expect(a.csrfToken).not.toBe(b.csrfToken);

    const create = (c: ApiClient) => c.post('/api/workspaces', { name: 'CSRF Co' });
    expect((await create(a)).status).toBe(201);

    const aToken = a.csrfToken!;
    a.cookies.set('tsudoi_csrf', b.csrfToken!); // b's valid token, sent by a
    expect(await create(a)).toMatchObject({ status: 403, body: { code: 'CSRF_FAILED' } });
    a.cookies.set('tsudoi_csrf', 'planted-by-an-attacker-planted-by-attacker'); // cookie == header, unknown to the server
    expect(await create(a)).toMatchObject({ status: 403, body: { code: 'CSRF_FAILED' } });
    a.cookies.set('tsudoi_csrf', aToken);
    expect((await create(a)).status).toBe(201);

    // Signed out, the pre-sign-in double submit still works for sign-in.
    expect((await a.post('/api/auth/signout')).status).toBe(200);
    expect(a.csrfToken).not.toBe(aToken);
    expect(
      (await a.post('/api/auth/signin', { email: 'csrf-a@example.com', password: 'wrong password!' })).body,
    ).toMatchObject({ code: 'SIGNIN_FAILED' });
  });

  it('records refused CSRF and cross-tenant 404s with IP and time, in the operator and workspace logs', async () => {
    t.advance(61_000); // the operator log writes one line a minute per kind and address (hardening.test.ts)
    const forged = owner.csrfToken!;
    owner.cookies.set('tsudoi_csrf', 'x'.repeat(43));
    expect((await owner.patch(`/api/workspaces/${wsId}`, { name: 'Hijacked' })).status).toBe(403);
    owner.cookies.set('tsudoi_csrf', forged);

    expect((await outsider.get(`/api/workspaces/${wsId}/members`)).status).toBe(404);

    const csrf = log.events('security.csrf_refused').at(-1)!;
    expect(csrf).toMatchObject({ ip: '127.0.0.1', workspaceId: wsId, route: '/api/workspaces/:workspaceId' });
    expect(Date.parse(csrf.at as string)).toBeGreaterThan(Date.now() - 60_000);
    const probe = log.events('security.not_found').at(-1)!;
    expect(probe).toMatchObject({
      ip: '127.0.0.1',
      workspaceId: wsId,
      route: '/api/workspaces/:workspaceId/members',
    });

    await expect
      .poll(async () => (await accessLog()).map((e) => `${e.type}@${e.ip}`))
      .toEqual(expect.arrayContaining(['security.csrf_refused@127.0.0.1', 'security.not_found@127.0.0.1']));
    // An unknown workspace id is logged for operators but writes nothing anywhere else.
    const unknown = '3f1c8a52-7a1b-4c1e-9d2f-000000000000';
    t.advance(61_000);
    expect((await outsider.get(`/api/workspaces/${unknown}/members`)).status).toBe(404);
    expect(log.events('security.not_found').at(-1)).toMatchObject({ workspaceId: unknown });
    expect(await t.app.store.accessLog.list({ workspaceId: unknown })).toEqual([]);
  });

  it('refuses a foreign-origin socket handshake (and records it), accepts its own origin', async () => {
    const own = await openSocket(t.app.url, {
      cookies: owner,
      origin: new URL(t.app.url).origin,
      workspaceId: wsId,
    });
    sockets.push(own.s);
    expect(own.error).toBeUndefined();
    const local = await openSocket(t.app.url, { origin: `http://localhost:${new URL(t.app.url).port}` });
    sockets.push(local.s);
    expect(local.error).toBeUndefined();

    // A foreign Origin is refused by the engine (403 before any session; hardening.test.ts polls it):
    // the websocket upgrade fails, the user's cookies open nothing.
    for (const origin of ['https://evil.example', 'null', 'http://127.0.0.1:1', 'https://x.example/path']) {
      t.advance(61_000); // each one gets its own operator-log line
      const refused = await openSocket(t.app.url, { cookies: owner, origin, workspaceId: wsId });
      sockets.push(refused.s);
      expect(refused.error, origin).toBeDefined();
      expect(refused.s.connected, origin).toBe(false);
    }
    const ev = log.events('security.handshake_refused').slice(-4);
    expect(ev.map((e) => e.reason)).toEqual([
      'foreign_origin',
      'foreign_origin',
      'foreign_origin',
      'malformed_origin',
    ]);
    expect(ev.at(-1)).toMatchObject({ ip: '127.0.0.1', code: 'CSRF_FAILED', layer: 'engine' });

    // The other handshake checks' refusals are recorded too: no session, not a member.
    const anonymous = await openSocket(t.app.url, { origin: new URL(t.app.url).origin, workspaceId: wsId });
    sockets.push(anonymous.s);
    expect(anonymous.error).toBe('UNAUTHENTICATED');
    const probe = await openSocket(t.app.url, { cookies: outsider, workspaceId: wsId });
    sockets.push(probe.s);
    expect(probe.error).toBe('NOT_FOUND');
    expect(log.events('security.handshake_refused').slice(-2)).toEqual([
      expect.objectContaining({ ip: '127.0.0.1', workspaceId: wsId, code: 'UNAUTHENTICATED' }),
      expect.objectContaining({ ip: '127.0.0.1', workspaceId: wsId, code: 'NOT_FOUND' }),
    ]);
    await expect
      .poll(async () => (await accessLog()).filter((e) => e.type === 'security.handshake_refused').length)
      .toBe(1); // refusals from one IP write one row a minute in the workspace's access log
  });
});

describe('behind a proxy: X-Forwarded-For', () => {
  async function setUp(env: Record<string, string>) {
    const log = new LogCapture();
    const t = await startTestApp(
      { LOG_LEVEL: 'info', AUTH_RATE_LIMIT_PER_IP: '4', ...env },
      { logStream: log },
    );
    const owner = await t.signedInUser('proxy-owner@example.com');
    owner.headers['x-forwarded-for'] = '198.51.100.23';
    const wsId = (await owner.post('/api/workspaces', { name: 'Proxy Co' })).body.id as string;
    const signups = [];
    for (let i = 0; i < 6; i++) {
      const c = t.client();
      c.headers['x-forwarded-for'] = `203.0.113.${i + 1}`;
      signups.push(
        (
          await c.post('/api/auth/signup', {
            email: `p${i}@example.com`,
            password: 'correct horse battery',
            displayName: 'P',
            locale: 'en',
          })
        ).status,
      );
    }
    const sock = await openSocket(t.app.url, {
      cookies: owner,
      origin: new URL(t.app.url).origin,
      xff: '198.51.100.77',
      workspaceId: wsId,
    });
    await sock.s.emitWithAck('room:create', { name: 'Via proxy' });
    sock.s.close();
    const entries = await t.app.store.accessLog.list({ workspaceId: wsId });
    const ipOf = (type: string) => entries.find((e) => e.type === type)?.ip;
    return {
      t,
      log,
      signups,
      ips: entries.map((e) => e.ip),
      httpIp: ipOf('admin.workspace_created'),
      socketIp: ipOf('admin.room_created'),
    };
  }

  it('from an untrusted peer (TRUST_PROXY off) changes nothing: not the IP, not the per-IP limit, not the log', async () => {
    const r = await setUp({});
    try {
      expect(r.httpIp).toBe('127.0.0.1');
      expect(r.socketIp).toBe('127.0.0.1');
      // One IP in truth: after the limit (4, one used by the owner's sign-up) every sign-up is refused.
      expect(r.signups).toEqual([202, 202, 202, 429, 429, 429]);
      expect(r.log.events('security.rate_limited').at(-1)).toMatchObject({
        ip: '127.0.0.1',
        route: '/api/auth/signup',
      });
      expect(r.ips).not.toContain('198.51.100.23');
      expect(r.ips).not.toContain('198.51.100.77');
      expect(r.log.text()).not.toContain('"remoteAddress":"203.0.113.');
    } finally {
      await r.t.close();
    }
  });

  it('from a trusted proxy (TRUST_PROXY=127.0.0.1) is believed, for HTTP and sockets alike', async () => {
    const r = await setUp({ TRUST_PROXY: '127.0.0.1' });
    try {
      expect(r.httpIp).toBe('198.51.100.23');
      expect(r.socketIp).toBe('198.51.100.77');
      expect(r.signups).toEqual([202, 202, 202, 202, 202, 202]); // six clients, six IPs
      expect(r.log.text()).toContain('"remoteAddress":"203.0.113.1"');
    } finally {
      await r.t.close();
    }
  });
});

describe('production mode', () => {
  let dist: string;
  beforeAll(() => {
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-dist-'));
    fs.writeFileSync(
      path.join(dist, 'index.html'),
      '<!doctype html><script type="module" src="/app.js"></script>',
    );
    fs.writeFileSync(path.join(dist, 'app.js'), 'console.log(1);\n//# sourceMappingURL=app.js.map');
    fs.writeFileSync(path.join(dist, 'app.js.map'), '{"version":3,"sources":["secret-source.ts"]}');
  });
  afterAll(() => fs.rmSync(dist, { recursive: true, force: true }));

  it('sends HSTS, uses __Host- cookies for session, CSRF and sign-in, and serves no source maps', async () => {
    const t = await startTestApp({
      NODE_ENV: 'production',
      MASTER_KEY: Buffer.alloc(32, 7).toString('base64'), // production refuses the development key
      WEB_DIST: dist,
      PUBLIC_URL: 'https://tsudoi.example',
    });
    try {
      const res = await fetch(`${t.app.url}/api/session`);
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}; includeSubDomains/);
      expect(res.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
      const set = res.headers.getSetCookie();
      const csrfCookie = set.find((c) => c.startsWith('__Host-tsudoi_csrf='));
      expect(csrfCookie).toMatch(/; Path=\/(;|$)/);
      expect(csrfCookie).toMatch(/; Secure(;|$)/);
      expect(csrfCookie).not.toMatch(/Domain=/i);

      const since = t.mail.messages.length;
      const c = t.client();
      expect(
        (
          await c.post('/api/auth/signup', {
            email: 'prod@example.com',
            password: 'correct horse battery',
            displayName: 'P',
            locale: 'en',
          })
        ).status,
      ).toBe(202);
      const token = decodeURIComponent(
        (await t.mail.waitFor('prod@example.com', /verify\?token=/, since)).text.match(
          /verify\?token=([^\s]+)/,
        )![1]!,
      );
      expect((await c.post('/api/auth/verify-email', { token })).status).toBe(200);
      const before = t.mail.messages.length;
      const s = await c.post('/api/auth/signin', {
        email: 'prod@example.com',
        password: 'correct horse battery',
      });
      expect(s.body.next).toBe('otp');
      expect([...c.cookies.keys()]).toContain('__Host-tsudoi_signin');
      const v = await c.post('/api/auth/otp/verify', {
        code: await t.mail.otpFor('prod@example.com', before),
      });
      expect(v.status).toBe(200);
      expect([...c.cookies.keys()].sort()).toEqual(['__Host-tsudoi_csrf', '__Host-tsudoi_session']);
      expect((await c.post('/api/workspaces', { name: 'Prod Co' })).status).toBe(201);
      // The plain names mean nothing in production.
      const plain = await fetch(`${t.app.url}/api/session`, {
        headers: { cookie: `tsudoi_session=${c.cookies.get('__Host-tsudoi_session')}` },
      });
      expect(plain.status).toBe(401);

      expect((await fetch(`${t.app.url}/app.js`)).status).toBe(200);
      const map = await fetch(`${t.app.url}/app.js.map`);
      expect(map.status).toBe(404);
      expect(await map.text()).not.toContain('secret-source');
      // Spelled so the raw URL does not end in .map (the router decodes it): still not served.
      for (const p of ['/app.js.%6dap', '/app.js.%6D%61%70', '/app%2Ejs%2Emap']) {
        const encoded = await fetch(t.app.url + p);
        expect(encoded.status, p).toBe(404);
        expect(await encoded.text()).not.toContain('secret-source');
      }
    } finally {
      await t.close();
    }
  });

  it('outside production, has no HSTS and serves source maps (the control above is production-only)', async () => {
    const t = await startTestApp({ WEB_DIST: dist });
    try {
      const res = await fetch(`${t.app.url}/app.js.map`);
      expect(res.status).toBe(200);
      expect(res.headers.get('strict-transport-security')).toBeNull();
      expect((await fetch(`${t.app.url}/api/session`)).headers.getSetCookie().join()).toMatch(
        /^tsudoi_csrf=/,
      );
    } finally {
      await t.close();
    }
  });
});
