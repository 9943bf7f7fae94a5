import { PROTOCOL_VERSION } from '@tsudoi/protocol';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../audit/auditLog.js';
import type { ApiClient } from '../testing/apiClient.js';
import { nextPresence } from '../testing/floorPushes.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';
import { changePlan } from './planChange.js';

// R12: an Enterprise workspace's IP allow-list holds at every edge — HTTP routes, socket handshakes, open
// sockets (decided again when the list changes) and invitation acceptance — with the client address from the
// one trusted-proxy function; refusals are logged with the address.

async function enterprise(t: TestApp, workspaceId: string): Promise<void> {
  const { store } = t.app;
  const audit = new AuditLog(
    { accessLog: store.accessLog, memberships: store.accounts.memberships },
    () => new Date(),
  );
  await changePlan({ tx: store, audit }, workspaceId, 'enterprise', { ip: null, userAgent: 'test operator' });
}

/** A workspace socket sent through the (test) proxy as `forwardedFor`; resolves connected or with the refusal. */
function socketFrom(
  t: TestApp,
  c: ApiClient,
  workspaceId: string,
  forwardedFor?: string,
): Promise<{ s: Socket; refused?: string }> {
  const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const s = connect(t.app.url, {
    auth: { protocolVersion: PROTOCOL_VERSION, workspaceId },
    transports: ['websocket'],
    extraHeaders: {
      origin: new URL(t.app.url).origin,
      cookie,
      ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
    },
    reconnection: false,
  });
  return new Promise((resolve) => {
    s.once('floor:snapshot', () => resolve({ s }));
    s.once('connect_error', (err: Error & { data?: { code?: string } }) =>
      resolve({ s, refused: err.data?.code ?? err.message }),
    );
  });
}

describe('IP allow-list behind a trusted proxy (TRUST_PROXY=127.0.0.1): IPv4 and IPv6 ranges', () => {
  let t: TestApp;
  let admin: ApiClient;
  let member: ApiClient;
  let wsId: string;
  let otherWs: string;
  const sockets: Socket[] = [];
  const as = (c: ApiClient, ip: string | undefined) => {
    if (ip) c.headers['x-forwarded-for'] = ip;
    else delete c.headers['x-forwarded-for'];
    return c;
  };

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: '127.0.0.1' });
    admin = await t.signedInUser('ip-admin@example.com');
    wsId = (await admin.post('/api/workspaces', { name: 'Fenced Co' })).body.id;
    member = await t.joinedMember(admin, wsId, 'ip-member@example.com');
    // The member's own workspace without a list: the rule is per workspace.
    otherWs = (await member.post('/api/workspaces', { name: 'Open Co' })).body.id;
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });
  afterAll(() => t?.close());

  it('is Enterprise-only: a Free workspace gets PLAN_REQUIRED on reading and on saving', async () => {
    as(admin, '203.0.113.5');
    expect(await admin.get(`/api/workspaces/${wsId}/ip-allow-list`)).toMatchObject({
      status: 403,
      body: { code: 'PLAN_REQUIRED' },
    });
    const put = await admin.put(`/api/workspaces/${wsId}/ip-allow-list`, { ranges: ['203.0.113.0/24'] });
    expect(put).toMatchObject({ status: 403, body: { code: 'PLAN_REQUIRED' } });
    await enterprise(t, wsId);
    expect((await admin.get(`/api/workspaces/${wsId}/ip-allow-list`)).body).toEqual({
      ranges: [],
      yourIp: '203.0.113.5',
      youAreAllowed: true,
    });
  });

  it('names every bad entry and saves nothing', async () => {
    as(admin, '203.0.113.5');
    const r = await admin.put(`/api/workspaces/${wsId}/ip-allow-list`, {
      ranges: ['203.0.113.0/24', 'intranet', '10.0.0.0/33', 'fe80::1%eth0', '2001:db8::/129'],
    });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(r.body.fields).sort()).toEqual(['ranges.1', 'ranges.2', 'ranges.3', 'ranges.4']);
    expect((await admin.get(`/api/workspaces/${wsId}/ip-allow-list`)).body.ranges).toEqual([]);
  });

  it('will not shut the admin out by mistake: their own address outside the list needs a confirmation', async () => {
    as(admin, '203.0.113.5');
    const r = await admin.put(`/api/workspaces/${wsId}/ip-allow-list`, { ranges: ['198.51.100.0/24'] });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('IP_SELF_EXCLUDED');
    expect(r.body.message).toContain('203.0.113.5');
    expect((await admin.get(`/api/workspaces/${wsId}/ip-allow-list`)).body.ranges).toEqual([]);
  });

  it('refuses HTTP and handshakes from outside the ranges, IPv4 and IPv6, and logs each refusal with the address', async () => {
    as(admin, '203.0.113.5');
    const saved = await admin.put(`/api/workspaces/${wsId}/ip-allow-list`, {
      ranges: ['203.0.113.77/24', '2001:DB8:0:0::1/32', '203.0.113.0/24'],
    });
    expect(saved.status).toBe(200);
    // Normalised: host bits cleared, IPv6 lower-case and compressed, duplicates gone.
    expect(saved.body.ranges).toEqual(['203.0.113.0/24', '2001:db8::/32']);

    const cases: Array<[string, boolean]> = [
      ['203.0.113.9', true],
      ['198.51.100.1', false],
      ['2001:db8:1::5', true],
      ['2001:db9::1', false],
      ['::ffff:203.0.113.10', true],
    ];
    for (const [ip, allowed] of cases) {
      const r = await as(member, ip).get(`/api/workspaces/${wsId}/members`);
      expect(r.status, ip).toBe(allowed ? 200 : 403);
      if (!allowed) expect(r.body.code, ip).toBe('IP_NOT_ALLOWED');
      const { s, refused } = await socketFrom(t, member, wsId, ip);
      sockets.push(s);
      expect(refused, ip).toBe(allowed ? undefined : 'IP_NOT_ALLOWED');
    }
    // The member's other workspace has no list: the same address is fine there.
    expect((await as(member, '198.51.100.1').get(`/api/workspaces/${otherWs}/members`)).status).toBe(200);

    // Each refusal is in the workspace's access log with the address, never the raw header of an untrusted peer.
    await expect
      .poll(async () => {
        const log = await t.app.store.accessLog.list({ workspaceId: wsId, type: 'security.access_refused' });
        return new Set(log.map((e) => e.ip));
      })
      .toEqual(new Set(['198.51.100.1', '2001:db9::1']));
  });

  it('ends an open socket at once when a new list leaves its address out; sockets inside it stay', async () => {
    as(admin, '203.0.113.5');
    await admin.put(`/api/workspaces/${wsId}/ip-allow-list`, {
      ranges: ['203.0.113.0/24', '198.51.100.0/24'],
    });
    const mine = await socketFrom(t, admin, wsId, '203.0.113.5');
    const theirs = await socketFrom(t, member, wsId, '198.51.100.20');
    sockets.push(mine.s, theirs.s);
    expect([mine.refused, theirs.refused]).toEqual([undefined, undefined]);
    const told = new Promise((resolve) => theirs.s.once('access:ended', resolve));
    const gone = new Promise((resolve) => theirs.s.once('disconnect', resolve));
    const memberLeft = nextPresence(mine.s, (p) => !p.online && p.displayName === 'ip-member');

    const started = Date.now();
    const r = await admin.put(`/api/workspaces/${wsId}/ip-allow-list`, { ranges: ['203.0.113.0/24'] });
    expect(r.status).toBe(200);
    expect(await told).toEqual({ reason: 'ipNotAllowed' });
    await gone;
    await memberLeft;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(mine.s.connected).toBe(true);
    // Nothing more for the refused address: a new handshake is refused too.
    const again = await socketFrom(t, member, wsId, '198.51.100.20');
    sockets.push(again.s);
    expect(again.refused).toBe('IP_NOT_ALLOWED');
  });

  it('holds for joining: an invitation accepted from outside the list is refused and stays usable', async () => {
    as(admin, '203.0.113.5');
    await admin.put(`/api/workspaces/${wsId}/ip-allow-list`, { ranges: ['203.0.113.0/24'] });
    const since = t.mail.messages.length;
    await admin.post(`/api/workspaces/${wsId}/invitations`, { email: 'ip-new@example.com', role: 'member' });
    const token = (await t.mail.waitFor('ip-new@example.com', /invite\//, since)).text.match(
      /invite\/(\S+)/,
    )![1]!;
    const newcomer = await t.signedInUser('ip-new@example.com');
    const outside = await as(newcomer, '192.0.2.1').post(`/api/invitations/${token}/accept`);
    expect(outside).toMatchObject({ status: 403, body: { code: 'IP_NOT_ALLOWED' } });
    const inside = await as(newcomer, '203.0.113.44').post(`/api/invitations/${token}/accept`);
    expect(inside.status).toBe(200);
  });

  it('an admin who confirms shutting themselves out loses access with the next request', async () => {
    as(admin, '203.0.113.5');
    const r = await admin.put(`/api/workspaces/${wsId}/ip-allow-list`, {
      ranges: ['198.51.100.0/24'],
      confirmSelfExclusion: true,
    });
    expect(r.status).toBe(200);
    expect(r.body.youAreAllowed).toBe(false);
    expect((await admin.get(`/api/workspaces/${wsId}`)).body.code).toBe('IP_NOT_ALLOWED');
  });
});

describe('IP allow-list without a proxy: the TCP peer decides', () => {
  let t: TestApp;
  let admin: ApiClient;
  let wsId: string;

  afterAll(() => t?.close());

  it('over IPv4 loopback, a spoofed X-Forwarded-For from an untrusted peer changes nothing', async () => {
    t = await startTestApp();
    admin = await t.signedInUser('peer-admin@example.com');
    wsId = (await admin.post('/api/workspaces', { name: 'Peer Co' })).body.id;
    const member = await t.joinedMember(admin, wsId, 'peer-member@example.com');
    await enterprise(t, wsId);
    expect((await admin.get(`/api/workspaces/${wsId}/ip-allow-list`)).body.yourIp).toBe('127.0.0.1');
    await admin.put(`/api/workspaces/${wsId}/ip-allow-list`, { ranges: ['127.0.0.1'] });
    expect((await member.get(`/api/workspaces/${wsId}/members`)).status).toBe(200);

    await admin.put(`/api/workspaces/${wsId}/ip-allow-list`, {
      ranges: ['10.0.0.0/8'],
      confirmSelfExclusion: true,
    });
    member.headers['x-forwarded-for'] = '10.1.2.3';
    const r = await member.get(`/api/workspaces/${wsId}/members`);
    expect(r).toMatchObject({ status: 403, body: { code: 'IP_NOT_ALLOWED' } });
    const { s, refused } = await socketFrom(t, member, wsId, '10.1.2.3');
    s.close();
    expect(refused).toBe('IP_NOT_ALLOWED');
    const log = await t.app.store.accessLog.list({ workspaceId: wsId, type: 'security.access_refused' });
    expect(log.map((e) => e.ip)).not.toContain('10.1.2.3');
  });

  it('over IPv6 loopback (::1), an IPv6 range decides and an IPv4 range does not match', async () => {
    await t?.close();
    t = await startTestApp({ HOST: '::1' });
    admin = await t.signedInUser('v6-admin@example.com');
    wsId = (await admin.post('/api/workspaces', { name: 'V6 Co' })).body.id;
    const member = await t.joinedMember(admin, wsId, 'v6-member@example.com');
    await enterprise(t, wsId);
    expect((await admin.get(`/api/workspaces/${wsId}/ip-allow-list`)).body.yourIp).toBe('::1');
    // An IPv4 list never matches an IPv6 peer.
    const v4 = await admin.put(`/api/workspaces/${wsId}/ip-allow-list`, { ranges: ['127.0.0.0/8'] });
    expect(v4.body.code).toBe('IP_SELF_EXCLUDED');
    await admin.put(`/api/workspaces/${wsId}/ip-allow-list`, { ranges: ['::1/128'] });
    expect((await member.get(`/api/workspaces/${wsId}/members`)).status).toBe(200);
    const open = await socketFrom(t, member, wsId);
    open.s.close();
    expect(open.refused).toBeUndefined();
    await admin.put(`/api/workspaces/${wsId}/ip-allow-list`, {
      ranges: ['2001:db8::/32'],
      confirmSelfExclusion: true,
    });
    expect((await member.get(`/api/workspaces/${wsId}/members`)).body.code).toBe('IP_NOT_ALLOWED');
    const shut = await socketFrom(t, member, wsId);
    shut.s.close();
    expect(shut.refused).toBe('IP_NOT_ALLOWED');
  });
});
