/**
 * Multi-record changes are all or nothing (issue 10, unit of work): a storage failure in the middle of
 * creating a workspace or accepting an invitation leaves no half-made state a user would run into —
 * no workspace without its owner, no used-up invitation without the membership it grants.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failInNextTransaction, INJECTED } from '../testing/failingTx.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';
import type { Workspace } from './workspaceRepo.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ AUTH_RATE_LIMIT_PER_IP: '1000' });
});
afterAll(() => t?.close());

describe('workspace administration writes all or nothing', () => {
  it('a workspace whose owner membership fails to be written does not exist', async () => {
    const owner = await t.signedInUser('atomic-owner@example.com');
    const created = failInNextTransaction(
      t.app.store,
      { repo: 'accounts.memberships', method: 'add' },
      { repo: 'workspaces', method: 'create' },
    );
    const r = await owner.post('/api/workspaces', { name: 'Half Co' });
    expect(r.status).toBe(500);
    expect(JSON.stringify(r.body)).not.toContain(INJECTED); // no storage detail leaks to the client
    // The workspace row was written inside the transaction, then rolled back with it.
    const [ws] = created[0] as [Workspace];
    expect(ws.name).toBe('Half Co');
    expect(await t.app.store.workspaces.get(ws.id)).toBeUndefined();
    expect((await owner.get('/api/workspaces')).body.workspaces).toEqual([]);
    // The next try works and the owner sees exactly one workspace.
    expect((await owner.post('/api/workspaces', { name: 'Whole Co' })).status).toBe(201);
    expect((await owner.get('/api/workspaces')).body.workspaces).toMatchObject([
      { name: 'Whole Co', role: 'owner' },
    ]);
  });

  it('an invitation whose membership fails to be written stays pending and can be accepted again', async () => {
    const admin = await t.signedInUser('atomic-admin@example.com');
    const ws = (await admin.post('/api/workspaces', { name: 'Invite Co' })).body.id as string;
    const email = 'atomic-invitee@example.com';
    const since = t.mail.messages.length;
    expect((await admin.post(`/api/workspaces/${ws}/invitations`, { email, role: 'member' })).status).toBe(
      201,
    );
    const token = (await t.mail.waitFor(email, /invite\//, since)).text.match(/invite\/(\S+)/)![1]!;
    const invitee = await t.signedInUser(email);

    failInNextTransaction(t.app.store, { repo: 'accounts.memberships', method: 'add' });
    expect((await invitee.post(`/api/invitations/${token}/accept`)).status).toBe(500);
    // Not used up, not a member.
    expect((await invitee.get(`/api/invitations/${token}`)).body.status).toBe('pending');
    expect((await invitee.get(`/api/workspaces/${ws}`)).status).toBe(404); // not a member: as if absent
    const pending = (await admin.get(`/api/workspaces/${ws}/invitations`)).body.invitations as Array<{
      status: string;
    }>;
    expect(pending.map((i) => i.status)).toEqual(['pending']);

    const joined = await invitee.post(`/api/invitations/${token}/accept`);
    expect(joined).toMatchObject({ status: 200, body: { id: ws, role: 'member' } });
    expect((await invitee.get(`/api/workspaces/${ws}`)).status).toBe(200);
    expect((await invitee.get(`/api/invitations/${token}`)).body.status).toBe('accepted');
  });
});
