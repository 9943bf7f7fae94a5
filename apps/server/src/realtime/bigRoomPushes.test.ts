import type { RoomSummary } from '@tsudoi/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../testing/apiClient.js';
import { nextParticipants, onFloorPush } from '../testing/floorPushes.js';
import { setPlan } from '../testing/plans.js';
import { TestSockets } from '../testing/sockets.js';
import { TalkingUser } from '../testing/talkingUser.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';
import { WHOLE_ROOM_MAX } from './floorPushes.js';

/**
 * A room bigger than WHOLE_ROOM_MAX on a real app: once the pages have it, people entering and leaving
 * reach every page as participant changes, not as the whole room again — and a page that applies them
 * (TalkingUser does it as the web client's floorModel) holds the room as it is.
 */
const PEOPLE = WHOLE_ROOM_MAX + 2;
let t: TestApp;
let sockets: TestSockets;
let owner: ApiClient;
let members: ApiClient[];
let wsId: string;
const users: TalkingUser[] = [];

beforeAll(async () => {
  t = await startTestApp({ AUTH_RATE_LIMIT_PER_IP: '10000', HANDSHAKES_PER_IP_PER_MINUTE: '1000' });
  sockets = new TestSockets(t.app.url);
  owner = await t.signedInUser('big-owner@example.com', undefined, 'Owner');
  wsId = (await owner.post('/api/workspaces', { name: 'Big Room Co' })).body.id;
  await setPlan(t, wsId, 'team'); // more than the free plan's 10 members
  members = [];
  for (let i = 0; i < PEOPLE; i++) members.push(await t.joinedMember(owner, wsId, `big-${i}@example.com`));
}, 120_000);
afterAll(async () => {
  for (const u of users) u.close();
  sockets?.closeAll();
  await t?.close();
});

describe('a big room on the floor', () => {
  it('entries and leaves of a big room reach the pages as participant changes; a page applying them is right', async () => {
    const observer = new TalkingUser(t.app.url, owner, wsId, true);
    users.push(observer);
    await observer.connected();
    const created = await observer.socket.emitWithAck('room:create', { name: 'Town hall' });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const roomId: string = created.data.id;
    const pages = [];
    for (const m of members.slice(0, PEOPLE - 1)) {
      const page = await sockets.open(m, wsId);
      expect((await page.s.emitWithAck('room:join', { roomId })).ok).toBe(true);
      pages.push(page);
    }
    const names = (n: number) =>
      members
        .slice(0, n)
        .map((_, i) => `big-${i}`)
        .sort();
    await expect.poll(() => observer.participants(roomId).sort()).toEqual(names(PEOPLE - 1));

    // The last person enters: a raw page sees one participant change naming them, not the room whole.
    const raw = await sockets.open(owner, wsId);
    const wholeRooms: RoomSummary[] = [];
    onFloorPush(raw.s, (c) => wholeRooms.push(...c.rooms.filter((r) => r.id === roomId)));
    const entered = nextParticipants(raw.s, (c) => c.roomId === roomId && c.upsert.length > 0);
    const last = await sockets.open(members[PEOPLE - 1], wsId);
    expect((await last.s.emitWithAck('room:join', { roomId })).ok).toBe(true);
    expect(await entered).toMatchObject({
      roomId,
      upsert: [{ displayName: `big-${PEOPLE - 1}` }],
      remove: [],
    });
    await expect.poll(() => observer.participants(roomId).sort()).toEqual(names(PEOPLE));
    expect(raw.snapshot.rooms.find((r) => r.id === roomId)?.participants).toHaveLength(PEOPLE - 1);

    // Someone leaves: named as removed; the observer's copy follows.
    const left = nextParticipants(raw.s, (c) => c.roomId === roomId && c.remove.length > 0);
    expect((await pages[0]!.s.emitWithAck('room:leave', { roomId })).ok).toBe(true);
    expect((await left).remove).toHaveLength(1);
    await expect.poll(() => observer.participants(roomId)).not.toContain('big-0');
    expect(observer.participants(roomId)).toHaveLength(PEOPLE - 1);
    expect(wholeRooms).toEqual([]);
  }, 120_000);
});
