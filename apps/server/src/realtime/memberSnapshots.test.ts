import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestSockets } from '../testing/sockets.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';

/**
 * A floor snapshot's member list is kept for a moment to serve a connect rush (memberDirectory.ts); a
 * membership that starts or ends on the server is in the very next snapshot all the same.
 */
let t: TestApp;
let sockets: TestSockets;

beforeAll(async () => {
  t = await startTestApp();
  sockets = new TestSockets(t.app.url);
});
afterEach(() => sockets.closeAll());
afterAll(async () => {
  await t.close();
});

const email = (who: string) => `${who}-${randomUUID().slice(0, 8)}@example.com`;
const listed = async (snapshot: Promise<{ snapshot: { members: Array<{ displayName: string }> } }>) =>
  (await snapshot).snapshot.members.map((m) => m.displayName.split('-')[0]).sort();

describe('members in the floor snapshot', () => {
  it('lists who joined, was disabled or enabled again, in the next snapshot', async () => {
    const owner = await t.signedInUser(email('owner'));
    const wsId = (await owner.post('/api/workspaces', { name: 'Snapshots' })).body.id as string;
    // The owner's page reads (and keeps) the list before anyone else is a member.
    expect(await listed(sockets.open(owner, wsId))).toEqual(['owner']);

    const ben = await t.joinedMember(owner, wsId, email('ben'));
    expect(await listed(sockets.open(owner, wsId))).toEqual(['ben', 'owner']);

    const benId = (await ben.get('/api/session')).body.user.id as string;
    const members = `/api/workspaces/${wsId}/members/${benId}`;
    expect((await owner.patch(members, { status: 'disabled' })).status).toBe(200);
    expect(await listed(sockets.open(owner, wsId))).toEqual(['owner']);
    expect((await owner.patch(members, { status: 'active' })).status).toBe(200);
    expect(await listed(sockets.open(owner, wsId))).toEqual(['ben', 'owner']);
  });
});
