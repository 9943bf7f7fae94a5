/**
 * Invitations cannot flood a mailbox (issue 9 audit): anyone can sign up, create a workspace and invite
 * any address, so invitation mail goes through the per-address mail throttle, inviting an address again
 * refreshes its pending invitation, and one admin sends a bounded number of invitations an hour.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../testing/apiClient.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';

const PER_ADDRESS = 3;
/** The default INVITES_PER_ADMIN_PER_HOUR. */
const PER_ADMIN = 50;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ MAIL_PER_ADDRESS_PER_HOUR: String(PER_ADDRESS), AUTH_RATE_LIMIT_PER_IP: '1000' });
});
afterAll(() => t?.close());

/** Invitation mails the real SMTP server received for `email` since `since`, once queued mail went out. */
async function invitationMailsTo(email: string, since: number) {
  await t.app.auth.mail.settled();
  return t.mail.messages.slice(since).filter((m) => m.to.includes(email) && /invite\//.test(m.text));
}
const linkIn = (text: string) => decodeURIComponent(text.match(/invite\/(\S+)/)![1]!);

async function adminWithWorkspace(tag: string): Promise<{ admin: ApiClient; ws: string }> {
  const admin = await t.signedInUser(`${tag}@example.com`);
  const r = await admin.post('/api/workspaces', { name: `WS ${tag}` });
  expect(r.status).toBe(201);
  return { admin, ws: r.body.id };
}
const invite = (admin: ApiClient, ws: string, email: string) =>
  admin.post(`/api/workspaces/${ws}/invitations`, { email, role: 'member' });

describe('invitations cannot flood a mailbox', () => {
  it('one address: at most 3 invitation mails an hour over all workspaces, one pending invitation per workspace, the latest links work', async () => {
    const a = await adminWithWorkspace('flood-admin-a');
    const b = await adminWithWorkspace('flood-admin-b');
    const victim = 'invite-victim@example.com';
    const since = t.mail.messages.length;

    // A, B, A mail; then A, B, A are held back (the address had its 3 this hour).
    const answers: Awaited<ReturnType<typeof invite>>[] = [];
    for (const [who, ws] of [a, b, a, a, b, a].map((x) => [x.admin, x.ws] as const)) {
      answers.push(await invite(who, ws, victim));
    }
    // Every answer is the same, mailed or held back.
    for (const r of answers) {
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ email: victim, role: 'member', status: 'pending' });
    }
    // Inviting again refreshed the pending invitation instead of adding another.
    const idsA = new Set([0, 2, 3, 5].map((i) => answers[i]!.body.id));
    const idsB = new Set([1, 4].map((i) => answers[i]!.body.id));
    expect(idsA.size).toBe(1);
    expect(idsB.size).toBe(1);
    const listA = (await a.admin.get(`/api/workspaces/${a.ws}/invitations`)).body.invitations;
    expect(listA.filter((i: { email: string }) => i.email === victim)).toHaveLength(1);

    const mails = await invitationMailsTo(victim, since);
    expect(mails).toHaveLength(PER_ADDRESS);
    const [a1, b1, a2] = mails.map((m) => linkIn(m.text));

    // The invitee joins both workspaces with the latest links; A's first link was superseded.
    const invitee = await t.signedInUser(victim);
    expect((await invitee.post(`/api/invitations/${encodeURIComponent(a1!)}/accept`)).body.code).toBe(
      'LINK_INVALID',
    );
    expect((await invitee.post(`/api/invitations/${encodeURIComponent(a2!)}/accept`)).status).toBe(200);
    expect((await invitee.post(`/api/invitations/${encodeURIComponent(b1!)}/accept`)).status).toBe(200);
    expect((await invitee.get(`/api/workspaces/${a.ws}`)).status).toBe(200);
    expect((await invitee.get(`/api/workspaces/${b.ws}`)).status).toBe(200);
  });

  it('the answer is the same whether or not the address has an account', async () => {
    const a = await adminWithWorkspace('flood-admin-e');
    await t.signedInUser('has-account@example.com');
    const known = await invite(a.admin, a.ws, 'has-account@example.com');
    const unknown = await invite(a.admin, a.ws, 'no-account@example.com');
    const shape = (r: typeof known) => ({
      status: r.status,
      keys: Object.keys(r.body).sort(),
      role: r.body.role,
      state: r.body.status,
    });
    expect(shape(known)).toEqual(shape(unknown));
    expect(shape(known)).toMatchObject({ status: 201, state: 'pending' });
  });

  it('an admin gets RATE_LIMITED after 50 invitations in an hour; another admin is unaffected', async () => {
    const c = await adminWithWorkspace('flood-admin-c');
    const d = await adminWithWorkspace('flood-admin-d');
    const since = t.mail.messages.length;
    for (let i = 0; i < PER_ADMIN; i++) {
      expect((await invite(c.admin, c.ws, `spam-${i}@example.com`)).status).toBe(201);
    }
    const over = await invite(c.admin, c.ws, 'spam-over@example.com');
    expect(over).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
    expect(over.body.retryAfter).toBeGreaterThan(0);
    // Another workspace of the same admin does not reset the count.
    const c2 = (await c.admin.post('/api/workspaces', { name: 'WS c2' })).body.id;
    expect((await invite(c.admin, c2, 'spam-over@example.com')).status).toBe(429);
    expect(await invitationMailsTo('spam-over@example.com', since)).toHaveLength(0);
    // Another admin invites as usual.
    expect((await invite(d.admin, d.ws, 'welcome@example.com')).status).toBe(201);
    expect(await invitationMailsTo('welcome@example.com', since)).toHaveLength(1);
    // An hour later the first admin may invite again.
    t.advance(3_600_000);
    const cAgain = await t.signedInAgain('flood-admin-c@example.com'); // the idle session ended meanwhile
    expect((await invite(cAgain, c.ws, 'spam-over@example.com')).status).toBe(201);
    expect(await invitationMailsTo('spam-over@example.com', since)).toHaveLength(1);
  });
});
