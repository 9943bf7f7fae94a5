import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../audit/auditLog.js';
import type { ApiClient } from '../testing/apiClient.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';
import { changePlan } from './planChange.js';

let t: TestApp;
let owner: ApiClient;
let wsA: { id: string };
beforeAll(async () => {
  t = await startTestApp();
  owner = await t.signedInUser('owner@example.com');
  wsA = (await owner.post('/api/workspaces', { name: 'Alpha 株式会社' })).body;
});
afterAll(() => t?.close());

async function inviteAndJoin(admin: ApiClient, workspaceId: string, email: string, role = 'member') {
  const since = t.mail.messages.length;
  const inv = await admin.post(`/api/workspaces/${workspaceId}/invitations`, { email, role });
  expect(inv.status).toBe(201);
  const mail = await t.mail.waitFor(email, /invite\//, since);
  const token = decodeURIComponent(mail.text.match(/invite\/(\S+)/)![1]!);
  const user = await t.signedInUser(email);
  const joined = await user.post(`/api/invitations/${encodeURIComponent(token)}/accept`);
  expect(joined.status).toBe(200);
  return { user, token };
}

describe('workspaces', () => {
  it('makes the creator its owner, on the Free plan, in Asia/Tokyo by default', async () => {
    expect(wsA).toMatchObject({
      name: 'Alpha 株式会社',
      plan: 'free',
      timeZone: 'Asia/Tokyo',
      role: 'owner',
    });
    const listed = (await owner.get('/api/workspaces')).body.workspaces;
    expect(listed.map((w: { id: string }) => w.id)).toContain(wsA.id);
  });

  it('refuses an unknown time zone and an empty name', async () => {
    expect((await owner.post('/api/workspaces', { name: 'X', timeZone: 'Mars/Base' })).body.code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await owner.post('/api/workspaces', { name: '  ' })).body.code).toBe('VALIDATION_FAILED');
  });

  it('lets a user belong to several workspaces and switch between them', async () => {
    const second = (await owner.post('/api/workspaces', { name: 'Beta', timeZone: 'Europe/Paris' })).body;
    const session = (await owner.get('/api/session')).body;
    expect(session.workspaces.map((w: { name: string }) => w.name).sort()).toEqual([
      'Alpha 株式会社',
      'Beta',
    ]);
    expect((await owner.get(`/api/workspaces/${second.id}`)).body.timeZone).toBe('Europe/Paris');
  });

  it('invites by email link; the invitee joins with the role given; a link works once', async () => {
    const { user, token } = await inviteAndJoin(owner, wsA.id, 'member1@example.com');
    const mine = (await user.get('/api/workspaces')).body.workspaces;
    expect(mine).toEqual([expect.objectContaining({ id: wsA.id, role: 'member' })]);
    expect((await user.post(`/api/invitations/${encodeURIComponent(token)}/accept`)).body.code).toBe(
      'LINK_INVALID',
    );
    expect((await owner.get(`/api/workspaces/${wsA.id}/invitations`)).body.invitations[0].status).toBe(
      'accepted',
    );
  });

  it('refuses an invitation accepted by another signed-in account', async () => {
    const since = t.mail.messages.length;
    await owner.post(`/api/workspaces/${wsA.id}/invitations`, { email: 'intended@example.com' });
    const mail = await t.mail.waitFor('intended@example.com', /invite\//, since);
    const token = mail.text.match(/invite\/(\S+)/)![1]!;
    const stranger = await t.signedInUser('stranger@example.com');
    expect((await stranger.post(`/api/invitations/${token}/accept`)).status).toBe(403);
  });

  it('lets only admins invite, change members or settings; nobody changes the plan here', async () => {
    const { user: member } = await inviteAndJoin(owner, wsA.id, 'plain@example.com');
    expect(
      (await member.post(`/api/workspaces/${wsA.id}/invitations`, { email: 'x@example.com' })).status,
    ).toBe(403);
    expect((await member.patch(`/api/workspaces/${wsA.id}`, { name: 'Hijack' })).status).toBe(403);
    const { user: admin } = await inviteAndJoin(owner, wsA.id, 'admin1@example.com', 'admin');
    expect((await admin.patch(`/api/workspaces/${wsA.id}`, { name: 'Alpha Renamed' })).status).toBe(200);
    expect((await admin.patch(`/api/workspaces/${wsA.id}`, { plan: 'enterprise' })).status).toBe(403);
  });

  it('enforces Enterprise-only settings on the server', async () => {
    const ws = (await owner.post('/api/workspaces', { name: 'Plan Co' })).body;
    const r = await owner.patch(`/api/workspaces/${ws.id}`, { mfaRequired: true });
    expect(r).toMatchObject({ status: 403, body: { code: 'PLAN_REQUIRED' } });
    // Plans change through the operator (see planChange.test.ts), then the owner may use what it allows.
    const { store } = t.app;
    const audit = new AuditLog(
      { accessLog: store.accessLog, memberships: store.accounts.memberships },
      () => new Date(),
    );
    const operator = { tx: store, audit };
    await changePlan(operator, ws.id, 'enterprise', { ip: null, userAgent: 'test operator' });
    expect(
      (await owner.patch(`/api/workspaces/${ws.id}`, { mfaRequired: true })).body.security.mfaRequired,
    ).toBe(true);
  });

  it('applies the workspace password rules to its members', async () => {
    const ws = (await owner.post('/api/workspaces', { name: 'Strict Co' })).body;
    await owner.patch(`/api/workspaces/${ws.id}`, { passwordRules: { minLength: 12, requireDigit: true } });
    const { user } = await inviteAndJoin(owner, ws.id, 'strict@example.com');
    const r = await user.post('/api/account/password', {
      currentPassword: 'correct horse battery',
      newPassword: 'short pass',
    });
    expect(r.body.code).toBe('PASSWORD_POLICY');
    expect(r.body.fields).toEqual({ needsDigit: 'needsDigit', tooShort: '12' });
  });

  it('flags an expired password at sign-in so the app asks for a new one', async () => {
    const ws = (await owner.post('/api/workspaces', { name: 'Expiry Co' })).body;
    await owner.patch(`/api/workspaces/${ws.id}`, { passwordRules: { expiryDays: 30 } });
    const user = await t.joinedMember(owner, ws.id, 'expiring@example.com');
    expect((await user.get('/api/session')).body.passwordExpired).toBe(false);
    t.advance(31 * 86_400_000);
    const again = await t.signedInAgain('expiring@example.com');
    expect((await again.get('/api/session')).body.passwordExpired).toBe(true);
    await again.post('/api/account/password', {
      currentPassword: 'correct horse battery',
      newPassword: 'fresh password 31',
    });
    expect(
      (await (await t.signedInAgain('expiring@example.com', 'fresh password 31')).get('/api/session')).body
        .passwordExpired,
    ).toBe(false);
    owner = await t.signedInAgain('owner@example.com'); // a month passed: the owner signs in again too
  });

  it('disabling a member’s only membership ends their sessions (sign-in refuses them too)', async () => {
    const { user } = await inviteAndJoin(owner, wsA.id, 'disable-me@example.com');
    const me = (await user.get('/api/session')).body.user;
    expect(
      (await owner.patch(`/api/workspaces/${wsA.id}/members/${me.id}`, { status: 'disabled' })).status,
    ).toBe(200);
    expect((await user.get('/api/session')).status).toBe(401);
  });
});

describe('tenant isolation', () => {
  it('a member of workspace A gets 404 for every workspace-B resource', async () => {
    const bOwner = await t.signedInUser('b-owner@example.com');
    const wsB = (await bOwner.post('/api/workspaces', { name: 'Bravo' })).body;
    const bMember = (await bOwner.get('/api/session')).body.user.id;
    const inv = (await bOwner.post(`/api/workspaces/${wsB.id}/invitations`, { email: 'someone@example.com' }))
      .body;
    const base = `/api/workspaces/${wsB.id}`;
    const attempts = [
      owner.get(base),
      owner.patch(base, { name: 'pwned' }),
      owner.get(`${base}/members`),
      owner.patch(`${base}/members/${bMember}`, { role: 'admin' }),
      owner.delete(`${base}/members/${bMember}`),
      owner.post(`${base}/members/${bMember}/unlock`),
      owner.post(`${base}/members/${bMember}/signout`),
      owner.get(`${base}/invitations`),
      owner.post(`${base}/invitations`, { email: 'spy@example.com' }),
      owner.delete(`${base}/invitations/${inv.id}`),
    ];
    for (const r of await Promise.all(attempts)) {
      expect(r).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    }
    // Nothing changed in B.
    expect((await bOwner.get(base)).body.name).toBe('Bravo');
    expect((await bOwner.get(`${base}/invitations`)).body.invitations[0].status).toBe('pending');
    // A's admin cannot reach B's members through A's URL either.
    expect((await owner.post(`/api/workspaces/${wsA.id}/members/${bMember}/unlock`)).status).toBe(404);
  });

  it('answers 404 for malformed ids and 401 without a session', async () => {
    expect((await owner.get('/api/workspaces/not-a-uuid')).status).toBe(404);
    expect((await t.client().get(`/api/workspaces/${wsA.id}`)).status).toBe(401);
  });

  it('keeps each workspace its own access log', async () => {
    const logA = await t.app.store.accessLog.list({ workspaceId: wsA.id });
    expect(logA.length).toBeGreaterThan(0);
    expect(logA.every((e) => e.workspaceId === wsA.id)).toBe(true);
    for (const e of logA) {
      expect(e.at).toMatch(/Z$/);
      expect(JSON.stringify(e.detail)).not.toMatch(/correct horse|fresh password|battery/i); // no password value
    }
    expect(logA.map((e) => e.type)).toEqual(
      expect.arrayContaining(['admin.workspace_created', 'admin.invitation_sent']),
    );
  });
});
