import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../audit/auditLog.js';
import type { ApiClient } from '../testing/apiClient.js';
import { upload } from '../testing/rawUpload.js';
import { decodeResponse, encodeResponse, idpLogin, postAcs, TestIdp } from '../testing/samlIdp.js';
import { nextEvent, TestSockets } from '../testing/sockets.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';
import { changePlan } from '../workspaces/planChange.js';

// R11: SAML SSO against a real IdP (SimpleSAMLphp on loopback): SP-initiated login, just-in-time membership,
// and every forged, replayed, expired or misdirected response refused and logged with its reason.

let t: TestApp;
let idp: TestIdp;
let admin: ApiClient;
let wsId: string;

async function enterprise(workspaceId: string): Promise<void> {
  const { store } = t.app;
  const audit = new AuditLog(
    { accessLog: store.accessLog, memberships: store.accounts.memberships },
    () => new Date(),
  );
  await changePlan({ tx: store, audit }, workspaceId, 'enterprise', { ip: null, userAgent: 'test operator' });
}

async function newWorkspace(name: string): Promise<string> {
  const r = await admin.post('/api/workspaces', { name, timeZone: 'Asia/Tokyo' });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

/** Configures SSO from the IdP's metadata and lets the IdP answer this workspace. */
async function configured(workspaceId: string, extra: Record<string, unknown> = {}) {
  const sp = (await admin.get(`/api/workspaces/${workspaceId}/sso`)).body.sp;
  idp.registerSp(sp.entityId, sp.acsUrl, sp.signingCertificate.pem);
  const r = await admin.put(`/api/workspaces/${workspaceId}/sso`, {
    metadataXml: await idp.metadataXml(),
    ...extra,
  });
  expect(r.status).toBe(200);
  return r.body;
}

const seen = new Set<string>();
/** The SSO event recorded since the last call (the clock moves in one test, so not by time). */
async function lastSsoEvent(workspaceId: string) {
  const events = await t.app.store.accessLog.list({ workspaceId, limit: 50 });
  const fresh = events.filter((e) => e.type.startsWith('sso.') && !seen.has(e.id));
  for (const e of events) seen.add(e.id);
  return fresh.find((e) => e.type === 'sso.signin_failed') ?? fresh[0];
}

/** Runs `alter` on a fresh valid response of `user`, posts it; expects a refusal logged with `reason`. */
async function refused(reason: string, alter: (xml: string) => string, user = 'alice') {
  const browser = t.client();
  const { acsUrl, samlResponse } = await idpLogin(browser, wsId, user, `${user}pass`);
  const r = await postAcs(browser, acsUrl, encodeResponse(alter(decodeResponse(samlResponse))));
  expect(r).toEqual({ status: 303, location: '/signin?sso_error=SSO_FAILED' });
  expect((await browser.get('/api/session')).status).toBe(401);
  expect(await lastSsoEvent(wsId)).toMatchObject({ type: 'sso.signin_failed', detail: { reason } });
}

beforeAll(async () => {
  [t, idp] = await Promise.all([startTestApp(), TestIdp.start()]);
  admin = await t.signedInUser('owner@acme.test');
  wsId = await newWorkspace('Acme');
  await enterprise(wsId);
  // New people join through the IdP only at a domain routed to the workspace (owner@acme.test proves it).
  await configured(wsId, { domains: ['acme.test'] });
}, 60_000);

afterAll(async () => {
  await idp?.stop();
  await t?.close();
});

describe('SSO settings', () => {
  it('are Enterprise-only: a Team workspace gets PLAN_REQUIRED and its login goes nowhere', async () => {
    const team = await newWorkspace('Team');
    expect((await admin.get(`/api/workspaces/${team}/sso`)).body.code).toBe('PLAN_REQUIRED');
    expect(
      (await admin.put(`/api/workspaces/${team}/sso`, { metadataXml: await idp.metadataXml() })).body.code,
    ).toBe('PLAN_REQUIRED');
    const r = await fetch(`${t.app.url}/api/sso/${team}/login`, { redirect: 'manual' });
    expect(r.headers.get('location')).toBe('/signin?sso_error=PLAN_REQUIRED');
  });

  it('import the IdP metadata: entity id, SSO URL, certificate; and show the SP side', async () => {
    const view = (await admin.get(`/api/workspaces/${wsId}/sso`)).body;
    expect(view).toMatchObject({
      configured: true,
      enabled: true,
      idpEntityId: idp.entityId,
      ssoUrl: `${idp.url}/saml2/idp/SSOService.php`,
      sp: {
        entityId: `${t.app.url}/api/sso/${wsId}/metadata`,
        acsUrl: `${t.app.url}/api/sso/${wsId}/acs`,
        nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      },
    });
    expect(view.certificates).toHaveLength(1);
    const xml = await (await fetch(view.sp.metadataUrl)).text();
    expect(xml).toContain(`entityID="${view.sp.entityId}"`);
    expect(xml).toContain(`Location="${view.sp.acsUrl}"`);
  });

  it("sign every AuthnRequest with the workspace's own key, whose certificate the SP metadata carries", async () => {
    const { sp } = (await admin.get(`/api/workspaces/${wsId}/sso`)).body;
    expect(sp.signingCertificate.pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const xml = await (await fetch(sp.metadataUrl)).text();
    expect(xml).toContain('AuthnRequestsSigned="true"');
    const body = sp.signingCertificate.pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');
    expect(xml.replace(/\s+/g, '')).toContain(`<ds:X509Certificate>${body}</ds:X509Certificate>`);
    // The same key on every view (made once), another key for another workspace.
    expect((await admin.get(`/api/workspaces/${wsId}/sso`)).body.sp.signingCertificate.pem).toBe(
      sp.signingCertificate.pem,
    );
    const start = await fetch(`${t.app.url}/api/sso/${wsId}/login`, { redirect: 'manual' });
    const request = new URL(start.headers.get('location')!);
    expect(request.searchParams.get('SigAlg')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    expect(request.searchParams.get('Signature')).toBeTruthy();
    // The real IdP checks it against the registered certificate: a request with a broken signature
    // gets no login form (every other test here passes through a verified signature).
    const signature = request.searchParams.get('Signature')!;
    request.searchParams.set('Signature', `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`);
    const forged = await fetch(request, { redirect: 'manual' });
    const page = await forged.text();
    expect(page).not.toContain('name="AuthState"');
    expect(page).toContain('Unable to validate signature on query string');
  });

  it('refuse metadata with a DTD or entities, and non-admins', async () => {
    const evil = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${await idp.metadataXml()}`;
    const r = await admin.put(`/api/workspaces/${wsId}/sso`, { metadataXml: evil });
    expect(r.body.code).toBe('SSO_METADATA_INVALID');
    const member = await t.joinedMember(admin, wsId, 'member@acme.test');
    expect((await member.get(`/api/workspaces/${wsId}/sso`)).body.code).toBe('FORBIDDEN');
  });
});

describe('SP-initiated sign-in', () => {
  it('signs a new user in through the IdP, makes them a member, lands on the workspace, logs it', async () => {
    const browser = t.client();
    const { acsUrl, samlResponse } = await idpLogin(browser, wsId, 'alice', 'alicepass');
    expect(acsUrl).toBe(`${t.app.url}/api/sso/${wsId}/acs`);
    expect(await postAcs(browser, acsUrl, samlResponse)).toEqual({ status: 303, location: `/w/${wsId}` });
    const session = (await browser.get('/api/session')).body;
    expect(session.user.email).toBe('alice@acme.test');
    expect(session.workspaces.map((w: { id: string; role: string }) => [w.id, w.role])).toEqual([
      [wsId, 'member'],
    ]);
    const events = await t.app.store.accessLog.list({ workspaceId: wsId, userId: session.user.id });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['sso.signin', 'sso.member_joined']));
    const [s] = await t.app.store.accessLog.list({ workspaceId: wsId, type: 'sso.signin' });
    expect(s).toMatchObject({ userId: session.user.id, detail: { jit: true } });

    // Next time the same account is used (linked), not a second one.
    const again = t.client();
    const second = await idpLogin(again, wsId, 'alice', 'alicepass');
    expect((await postAcs(again, second.acsUrl, second.samlResponse)).location).toBe(`/w/${wsId}`);
    expect((await again.get('/api/session')).body.user.id).toBe(session.user.id);
  });

  it('makes no account for an address at a domain not routed to the workspace', async () => {
    // The IdP of a workspace that routes no domain vouches for carol@acme.test: no account is made for her
    // (else any workspace's IdP could take anyone's address and lock its owner out of sign-up).
    const ws = await newWorkspace('No domain');
    await enterprise(ws);
    await configured(ws);
    const browser = t.client();
    const { acsUrl, samlResponse } = await idpLogin(browser, ws, 'carol', 'carolpass');
    expect((await postAcs(browser, acsUrl, samlResponse)).location).toBe('/signin?sso_error=SSO_FAILED');
    expect(await lastSsoEvent(ws)).toMatchObject({
      type: 'sso.signin_failed',
      detail: { reason: 'domainNotRouted' },
    });
    expect(await t.app.store.accounts.users.getByEmail('carol@acme.test')).toBeUndefined();
    expect((await browser.get('/api/session')).status).toBe(401);
  });

  it("a session from one workspace's IdP enters that workspace only, not the person's others", async () => {
    // Alice (an IdP member of Acme, above) is also a member of another workspace. Acme's IdP vouches for
    // Acme only: its session must not open the other one (else whoever runs Acme's IdP acts there as her).
    const other = await newWorkspace('Elsewhere');
    const aliceAccount = await t.app.store.accounts.users.getByEmail('alice@acme.test');
    await t.app.store.accounts.memberships.add({
      workspaceId: other,
      userId: aliceAccount!.id,
      role: 'member',
      status: 'active',
      joinedAt: new Date().toISOString(),
    });
    const browser = t.client();
    const { acsUrl, samlResponse } = await idpLogin(browser, wsId, 'alice', 'alicepass');
    expect((await postAcs(browser, acsUrl, samlResponse)).location).toBe(`/w/${wsId}`);
    expect((await browser.get(`/api/workspaces/${wsId}`)).status).toBe(200);
    const refused = await browser.get(`/api/workspaces/${other}`);
    expect([refused.status, refused.body.code]).toEqual([403, 'SSO_SESSION_ELSEWHERE']);
    const sockets = new TestSockets(t.app.url);
    try {
      await expect(sockets.open(browser, other)).rejects.toBe('SSO_SESSION_ELSEWHERE');
      await sockets.open(browser, wsId);
    } finally {
      sockets.closeAll();
    }
  });

  it('does not take over an existing account that is not a member of the workspace', async () => {
    await t.signedInUser('bob@acme.test', 'bob has a password');
    const browser = t.client();
    const { acsUrl, samlResponse } = await idpLogin(browser, wsId, 'bob', 'bobpass');
    expect((await postAcs(browser, acsUrl, samlResponse)).location).toBe('/signin?sso_error=SSO_FAILED');
    expect(await lastSsoEvent(wsId)).toMatchObject({
      type: 'sso.signin_failed',
      detail: { reason: 'notMember' },
    });
  });
});

describe('refused responses, each logged with its reason', () => {
  it('unsigned', () =>
    refused('signature', (xml) => xml.replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/g, '')));

  it('tampered NameID / email', () =>
    refused('signature', (xml) => xml.replaceAll('alice@acme.test', 'owner@acme.test')));

  it('signature wrapping: a forged assertion next to the signed one', () =>
    refused('signature', (xml) => {
      const assertion = xml.match(/<saml:Assertion[\s\S]*<\/saml:Assertion>/)![0];
      const forged = assertion
        .replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/, '')
        .replace(/ID="[^"]+"/, 'ID="_forged"')
        .replaceAll('alice@acme.test', 'owner@acme.test');
      return xml.replace(assertion, forged + assertion);
    }));

  it('replayed: the same valid response a second time', async () => {
    const browser = t.client();
    const { acsUrl, samlResponse } = await idpLogin(browser, wsId, 'alice', 'alicepass');
    expect((await postAcs(browser, acsUrl, samlResponse)).location).toBe(`/w/${wsId}`);
    expect((await postAcs(browser, acsUrl, samlResponse)).location).toBe('/signin?sso_error=SSO_FAILED');
    expect(await lastSsoEvent(wsId)).toMatchObject({ detail: { reason: 'replayed' } });
  });

  it('expired: posted after NotOnOrAfter (beyond the clock skew)', async () => {
    const browser = t.client();
    const { acsUrl, samlResponse } = await idpLogin(browser, wsId, 'alice', 'alicepass');
    t.advance(7 * 60_000);
    const r = await postAcs(browser, acsUrl, samlResponse).finally(() => t.advance(-7 * 60_000));
    expect(r.location).toBe('/signin?sso_error=SSO_FAILED');
    expect(await lastSsoEvent(wsId)).toMatchObject({ detail: { reason: 'expired' } });
  });

  it('wrong audience: a response the IdP made for another service provider', async () => {
    const acs = `${t.app.url}/api/sso/${wsId}/acs`;
    idp.registerSp('urn:example:another-sp', acs);
    const browser = t.client();
    const { acsUrl, samlResponse } = await idpLogin(browser, wsId, 'alice', 'alicepass', async (url) => {
      const u = new URL(url);
      const xml = inflateRawSync(Buffer.from(u.searchParams.get('SAMLRequest')!, 'base64')).toString();
      const other = xml.replace(/(<saml:Issuer[^>]*>)[^<]+/, '$1urn:example:another-sp');
      u.searchParams.set('SAMLRequest', deflateRawSync(Buffer.from(other)).toString('base64'));
      return u.toString();
    });
    expect((await postAcs(browser, acsUrl, samlResponse)).location).toBe('/signin?sso_error=SSO_FAILED');
    expect(await lastSsoEvent(wsId)).toMatchObject({ detail: { reason: 'audience' } });
  });

  it('wrong InResponseTo: an answer to a request another browser sent', async () => {
    const victim = t.client();
    const { acsUrl, samlResponse } = await idpLogin(victim, wsId, 'alice', 'alicepass');
    const attacker = t.client();
    expect((await postAcs(attacker, acsUrl, samlResponse)).location).toBe('/signin?sso_error=SSO_FAILED');
    expect(await lastSsoEvent(wsId)).toMatchObject({ detail: { reason: 'otherBrowser' } });
    expect((await attacker.get('/api/session')).status).toBe(401);
  });

  it('wrong certificate: signed by a key the workspace does not trust; a rollover pair trusts both', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sso-cert-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-sha256',
        '-days',
        '2',
        '-subj',
        '/CN=other',
        '-keyout',
        path.join(dir, 'k.pem'),
        '-out',
        path.join(dir, 'c.pem'),
      ],
      { stdio: 'ignore' },
    );
    const other = fs.readFileSync(path.join(dir, 'c.pem'), 'utf8');
    await admin.put(`/api/workspaces/${wsId}/sso`, {
      metadataXml: await idp.metadataXml(),
      certificates: [other],
    });
    await refused('signature', (xml) => xml);

    await admin.put(`/api/workspaces/${wsId}/sso`, {
      metadataXml: await idp.metadataXml(),
      certificates: [other, idp.certificate()],
    });
    const view = (await admin.get(`/api/workspaces/${wsId}/sso`)).body;
    expect(view.certificates).toHaveLength(2);
    const browser = t.client();
    const { acsUrl, samlResponse } = await idpLogin(browser, wsId, 'alice', 'alicepass');
    expect((await postAcs(browser, acsUrl, samlResponse)).location).toBe(`/w/${wsId}`);
  });
});

describe('"Sign in with your company" by email domain', () => {
  it('routes a domain an admin has a verified mailbox at; refuses public, unproven and taken domains', async () => {
    const claimed = await admin.put(`/api/workspaces/${wsId}/sso`, { domains: ['ACME.test'] });
    expect(claimed.body).toMatchObject({ domains: ['acme.test'] });
    const discover = async (email: string) =>
      (await t.client().get(`/api/sso/discover?email=${encodeURIComponent(email)}`)).body;
    expect(await discover('Alice@Acme.TEST')).toEqual({ workspaceId: wsId });
    // The answer is the same for an address with no account: it is about the domain only.
    expect(await discover('nobody-yet@acme.test')).toEqual({ workspaceId: wsId });
    expect(await discover('someone@elsewhere.test')).toEqual({ workspaceId: null });
    expect((await t.client().get('/api/sso/discover?email=')).body.code).toBe('VALIDATION_FAILED');

    const bad = await admin.put(`/api/workspaces/${wsId}/sso`, {
      domains: ['acme.test', 'gmail.com', 'elsewhere.test', 'not a domain'],
    });
    expect(bad.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: { 'domains.1': 'publicMail', 'domains.2': 'notVerified', 'domains.3': 'invalid' },
    });
    // Another workspace of the same admin cannot take a domain that is routed already.
    const other = await newWorkspace('Acme two');
    await enterprise(other);
    await configured(other);
    const taken = await admin.put(`/api/workspaces/${other}/sso`, { domains: ['acme.test'] });
    expect(taken.body).toMatchObject({ code: 'SSO_DOMAIN_TAKEN', fields: { domains: 'acme.test' } });
    expect(await discover('alice@acme.test')).toEqual({ workspaceId: wsId });
    // Switched off, the domain leads nowhere until SSO is on again.
    await admin.put(`/api/workspaces/${wsId}/sso`, { enabled: false });
    expect(await discover('alice@acme.test')).toEqual({ workspaceId: null });
    await admin.put(`/api/workspaces/${wsId}/sso`, { enabled: true });
    expect(await discover('alice@acme.test')).toEqual({ workspaceId: wsId });
    // A Team workspace cannot set domains (every SSO endpoint is Enterprise-only).
    const team = await newWorkspace('Team with domain');
    expect((await admin.put(`/api/workspaces/${team}/sso`, { domains: ['acme.test'] })).body.code).toBe(
      'PLAN_REQUIRED',
    );
  });
});

describe('the email code after the IdP (a per-workspace option)', () => {
  it('off by default: the IdP replaces the code; on: the code step completes an IdP session', async () => {
    const ws = wsId; // alice is its member (an existing account joins no other workspace through the IdP)
    expect((await admin.get(`/api/workspaces/${ws}/sso`)).body.emailCodeAfterIdp).toBe(false);
    const on = await admin.put(`/api/workspaces/${ws}/sso`, { emailCodeAfterIdp: true });
    expect(on.body.emailCodeAfterIdp).toBe(true);

    const browser = t.client();
    const before = t.mail.messages.length;
    const { acsUrl, samlResponse } = await idpLogin(browser, ws, 'alice', 'alicepass');
    const r = await postAcs(browser, acsUrl, samlResponse);
    const to = new URL(r.location ?? '', t.app.url);
    expect([r.status, to.pathname, to.searchParams.get('email')]).toEqual([
      303,
      '/signin',
      'alice@acme.test',
    ]);
    expect(Date.parse(to.searchParams.get('sso_code') ?? '')).toBeGreaterThan(Date.now());
    // No session yet: only the code completes it …
    expect((await browser.get('/api/session')).status).toBe(401);
    const wrong = await browser.post('/api/auth/otp/verify', { code: '000000' });
    expect(wrong.body.code).toBe('OTP_INVALID');
    const code = await t.mail.otpFor('alice@acme.test', before);
    const done = await browser.post('/api/auth/otp/verify', { code });
    expect(done.status).toBe(200);
    // … and the session it makes is this workspace's IdP session (it passes "SSO required").
    const ownerId = (await admin.get('/api/session')).body.user.id as string;
    await admin.put(`/api/workspaces/${ws}/sso`, { required: true, breakGlassUserId: ownerId });
    expect((await browser.get(`/api/workspaces/${ws}`)).status).toBe(200);
    const [signin] = await t.app.store.accessLog.list({ workspaceId: ws, type: 'sso.signin' });
    expect(signin?.detail).toMatchObject({ emailCode: true });

    // Unchanged when omitted; switched off, the IdP alone signs in again.
    expect((await admin.put(`/api/workspaces/${ws}/sso`, { required: false })).body.emailCodeAfterIdp).toBe(
      true,
    );
    await admin.put(`/api/workspaces/${ws}/sso`, { emailCodeAfterIdp: false });
    const again = t.client();
    const second = await idpLogin(again, ws, 'alice', 'alicepass');
    expect((await postAcs(again, second.acsUrl, second.samlResponse)).location).toBe(`/w/${ws}`);
  });
});

describe('CSV import into a workspace that requires SSO', () => {
  it('makes new addresses SSO-only members (no password, no mail) who then sign in through the IdP', async () => {
    const ws = await newWorkspace('Imported');
    await enterprise(ws);
    await configured(ws);
    const ownerId = (await admin.get('/api/session')).body.user.id as string;
    await admin.put(`/api/workspaces/${ws}/sso`, { required: true, breakGlassUserId: ownerId });
    const before = t.mail.messages.length;
    // carol has no account; bob has one (a password account, from a test above): he is invited instead.
    const csv =
      'email,display name,role\ncarol@acme.test,Carol Imported,admin\nbob@acme.test,Bob,member\ndave@acme.test,Dave Imported,member\n';
    const r = await upload(admin, `/api/workspaces/${ws}/imports`, csv);
    expect(r.body).toMatchObject({ applied: true, members: 2, invited: 1 });
    expect(r.body.rows.map((x: { email: string; status: string }) => [x.email, x.status])).toEqual([
      ['carol@acme.test', 'member'],
      ['bob@acme.test', 'invited'],
      ['dave@acme.test', 'member'],
    ]);
    expect(r.body.report).toContain('carol@acme.test,Carol Imported,admin,,member');
    const carol = await t.app.store.accounts.users.getByEmail('carol@acme.test');
    expect(carol).toMatchObject({ displayName: 'Carol Imported', passwordHash: null });
    expect(await t.app.store.accounts.memberships.get(ws, carol!.id)).toMatchObject({
      role: 'admin',
      status: 'active',
    });
    // Nothing was mailed to her (no password to set, no invitation to accept) …
    await t.mail.waitFor('bob@acme.test', /\/invite\//, before);
    await t.app.auth.mail.settled();
    expect(t.mail.messages.slice(before).filter((m) => m.to === 'carol@acme.test')).toEqual([]);
    // … and no password sign-in exists for her account …
    const pw = await t
      .client()
      .post('/api/auth/signin', { email: 'carol@acme.test', password: 'anything at all 1' });
    expect(pw.body.code).toBe('SIGNIN_FAILED');
    // … her company's IdP signs her in as that member.
    const browser = t.client();
    const { acsUrl, samlResponse } = await idpLogin(browser, ws, 'carol', 'carolpass');
    expect((await postAcs(browser, acsUrl, samlResponse)).location).toBe(`/w/${ws}`);
    const session = (await browser.get('/api/session')).body;
    expect([session.user.id, session.workspaces[0].role]).toEqual([carol!.id, 'admin']);
  });
});

describe('several instances', () => {
  it('an IdP answer posted to another instance of the same store signs in; its replay there is refused', async () => {
    // Behind a load balancer both instances have the same public URL; the ACS post reaches the second one.
    const second = await startTestApp({ ...t.storeEnv, PUBLIC_URL: t.app.url });
    try {
      const browser = t.client();
      const { acsUrl, samlResponse } = await idpLogin(browser, wsId, 'alice', 'alicepass');
      const atSecond = acsUrl.replace(t.app.url, second.app.url);
      expect(await postAcs(browser, atSecond, samlResponse)).toEqual({ status: 303, location: `/w/${wsId}` });
      expect((await postAcs(browser, acsUrl, samlResponse)).location).toBe('/signin?sso_error=SSO_FAILED');
      expect(await lastSsoEvent(wsId)).toMatchObject({ detail: { reason: 'replayed' } });
    } finally {
      await second.close();
    }
  });
});

describe('the IP allow-list', () => {
  it('applies to the login and the ACS of the workspace', async () => {
    const ws = await newWorkspace('Fenced');
    await enterprise(ws);
    await configured(ws);
    const browser = t.client();
    const { acsUrl, samlResponse } = await idpLogin(browser, ws, 'alice', 'alicepass');
    const fence = { ranges: ['10.0.0.0/8'], confirmSelfExclusion: true };
    expect((await admin.put(`/api/workspaces/${ws}/ip-allow-list`, fence)).status).toBe(200);
    expect((await postAcs(browser, acsUrl, samlResponse)).location).toBe('/signin?sso_error=SSO_FAILED');
    expect(await lastSsoEvent(ws)).toMatchObject({ detail: { reason: 'ipNotAllowed' } });
    const r = await fetch(`${t.app.url}/api/sso/${ws}/login`, { redirect: 'manual' });
    expect(r.headers.get('location')).toBe('/signin?sso_error=IP_NOT_ALLOWED');
  });
});

describe('SSO required', () => {
  it('refuses password sessions in the workspace, lets SAML sessions and the break-glass owner in', async () => {
    const ws = wsId; // alice is a member (JIT above); member@acme.test joined with a password
    const member = await t.signedInAgain('member@acme.test');
    const ownerId = (await admin.get('/api/session')).body.user.id as string;
    const memberId = (await member.get('/api/session')).body.user.id as string;

    const notOwner = await admin.put(`/api/workspaces/${ws}/sso`, {
      required: true,
      breakGlassUserId: memberId,
    });
    expect(notOwner.body.fields).toEqual({ breakGlassUserId: 'notOwner' });
    // Not an id at all: a validation error (on Firestore a '/' in it used to reach the store: 500).
    const notAnId = await admin.put(`/api/workspaces/${ws}/sso`, { required: true, breakGlassUserId: 'a/b' });
    expect([notAnId.status, notAnId.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const on = await admin.put(`/api/workspaces/${ws}/sso`, { required: true, breakGlassUserId: ownerId });
    expect(on.body).toMatchObject({ required: true, breakGlassUserId: ownerId });

    // A password session (even one that passed the email code) no longer enters the workspace, and a
    // member whose only workspace it is cannot sign in with a password at all …
    expect((await member.get(`/api/workspaces/${ws}/members`)).body.code).toBe('SSO_REQUIRED');
    const signin = await t.client().post('/api/auth/signin', {
      email: 'member@acme.test',
      password: 'correct horse battery',
    });
    expect(signin.body.code).toBe('SSO_REQUIRED');
    const [failed] = await t.app.store.accessLog.list({
      workspaceId: ws,
      userId: memberId,
      type: 'auth.signin_failed',
    });
    expect(failed?.detail).toEqual({ reason: 'sso_required' });
    // … the break-glass owner's password + code session does …
    const owner = await t.signedInAgain('owner@acme.test');
    expect((await owner.get(`/api/workspaces/${ws}`)).status).toBe(200);
    // … and so does a session from the IdP.
    const browser = t.client();
    const { acsUrl, samlResponse } = await idpLogin(browser, ws, 'alice', 'alicepass');
    expect((await postAcs(browser, acsUrl, samlResponse)).location).toBe(`/w/${ws}`);
    expect((await browser.get(`/api/workspaces/${ws}`)).status).toBe(200);
    expect(await lastSsoEvent(ws)).toMatchObject({ type: 'sso.signin' });

    // Without a break-glass owner nobody keeps password sign-in: saved only when confirmed …
    const unconfirmed = await owner.put(`/api/workspaces/${ws}/sso`, {
      required: true,
      breakGlassUserId: null,
    });
    expect(unconfirmed.body.code).toBe('SSO_NO_BREAK_GLASS');
    expect((await owner.get(`/api/workspaces/${ws}/sso`)).body.breakGlassUserId).toBe(ownerId);
    await owner.put(`/api/workspaces/${ws}/sso`, {
      required: true,
      breakGlassUserId: null,
      confirmNoBreakGlass: true,
    });
    // … and then the owner's password session is refused too.
    expect((await owner.get(`/api/workspaces/${ws}`)).body.code).toBe('SSO_REQUIRED');
    // Alice (a member through SSO) cannot switch it off.
    expect((await browser.put(`/api/workspaces/${ws}/sso`, { required: false })).body.code).toBe('FORBIDDEN');
  });
});

describe('SSO switched to required while people are connected', () => {
  it("ends the open sockets of password sessions at once, saying why; the break-glass owner's stays", async () => {
    const ws = await newWorkspace('Switched on');
    await enterprise(ws);
    await configured(ws);
    const member = await t.joinedMember(admin, ws, 'member3@acme.test');
    const ownerId = (await admin.get('/api/session')).body.user.id as string;
    const sockets = new TestSockets(t.app.url);
    try {
      const theirs = await sockets.open(member, ws);
      const mine = await sockets.open(admin, ws);
      const told = nextEvent<{ reason: string }>(theirs.s, 'access:ended');
      const gone = new Promise((resolve) => theirs.s.once('disconnect', resolve));
      const on = await admin.put(`/api/workspaces/${ws}/sso`, { required: true, breakGlassUserId: ownerId });
      expect(on.status).toBe(200);
      expect(await told).toEqual({ reason: 'ssoRequired' });
      await gone;
      // A reconnect is refused the same way (the page leaves the workspace instead of retrying).
      await expect(sockets.open(member, ws)).rejects.toBe('SSO_REQUIRED');
      expect(mine.s.connected).toBe(true);
    } finally {
      sockets.closeAll();
    }
  });
});

describe('the ACS is the only POST without a CSRF token', () => {
  it('a neighbouring path is still checked', async () => {
    const r = await fetch(`${t.app.url}/api/sso/${wsId}/acs2`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'SAMLResponse=x',
    });
    expect((await r.json()).code).toBe('CSRF_FAILED');
  });
});
