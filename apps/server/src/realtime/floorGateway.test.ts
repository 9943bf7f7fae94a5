import type { FloorChanged, RoomSummary } from '@tsudoi/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../testing/apiClient.js';
import { nextPresence, nextRoom, onFloorPush } from '../testing/floorPushes.js';
import { nextEvent, TestSockets } from '../testing/sockets.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';
import { FLOOR_PUSH_INTERVAL_MS } from './floorPushes.js';

let t: TestApp;
let owner: ApiClient;
let member: ApiClient;
let outsider: ApiClient;
let wsId: string;
let otherWsId: string;
let sockets: TestSockets;

const open = (c: ApiClient | undefined, ws: string) => sockets.open(c, ws);
const next = nextEvent;

beforeAll(async () => {
  t = await startTestApp({ PRESENCE_GRACE_MS: '300' });
  sockets = new TestSockets(t.app.url);
  owner = await t.signedInUser('floor-owner@example.com');
  wsId = (await owner.post('/api/workspaces', { name: 'Floor Co' })).body.id;
  member = await t.joinedMember(owner, wsId, 'floor-member@example.com');
  outsider = await t.signedInUser('floor-outsider@example.com');
  otherWsId = (await outsider.post('/api/workspaces', { name: 'Other Co' })).body.id;
});
afterEach(() => sockets.closeAll());
afterAll(() => t?.close());

describe('workspace sockets', () => {
  it('refuse a socket without a session, and a non-member with NOT_FOUND', async () => {
    await expect(open(undefined, wsId)).rejects.toBe('UNAUTHENTICATED');
    await expect(open(outsider, wsId)).rejects.toBe('NOT_FOUND');
  });

  it('sends the floor snapshot, then live room and presence updates to every member', async () => {
    const a = await open(owner, wsId);
    expect(a.snapshot.workspaceId).toBe(wsId);
    const created = await a.s.emitWithAck('room:create', { name: 'Lounge', capacity: 2 });
    expect(created).toMatchObject({ ok: true, data: { name: 'Lounge', capacity: 2, participants: [] } });
    const roomId = created.data.id;

    const online = nextPresence(a.s, (p) => p.displayName === 'floor-member' && p.online);
    const b = await open(member, wsId);
    await online;
    expect(b.snapshot.rooms.map((r: { name: string }) => r.name)).toContain('Lounge');

    const seen = nextRoom(a.s, (r) => r.id === roomId && r.participants.length === 1);
    expect((await b.s.emitWithAck('room:join', { roomId })).ok).toBe(true);
    expect((await seen).participants[0]?.displayName).toBe('floor-member');
  });

  it('pushes a move from one room to another as ONE event: an observer never sees the mover in no room', async () => {
    const a = await open(owner, wsId);
    const from = (await a.s.emitWithAck('room:create', { name: 'Move from' })).data.id as string;
    const to = (await a.s.emitWithAck('room:create', { name: 'Move to' })).data.id as string;
    const b = await open(member, wsId);
    const moverId = (await member.get('/api/session')).body.user.id as string;
    expect((await b.s.emitWithAck('room:join', { roomId: from })).ok).toBe(true);
    await expect.poll(() => a.received.length).toBeGreaterThan(0);
    // The observer's floor, replayed event by event exactly as a page applies them.
    const rooms = new Map<string, RoomSummary>(a.snapshot.rooms.map((r: RoomSummary) => [r.id, r]));
    const placesOfMover = () =>
      [...rooms.values()].filter((r) => r.participants.some((p) => p.userId === moverId)).map((r) => r.id);
    let applied = 0;
    const seen: string[][] = [];
    const replay = () => {
      for (const [event, payload] of a.received.slice(applied)) {
        applied++;
        if (event === 'floor:roomUpdated') rooms.set((payload as RoomSummary).id, payload as RoomSummary);
        else if (event === 'floor:roomRemoved') rooms.delete((payload as { roomId: string }).roomId);
        else if (event === 'floor:changed') {
          const change = payload as FloorChanged;
          for (const r of change.rooms) rooms.set(r.id, r);
          for (const id of change.removedRoomIds) rooms.delete(id);
        } else continue;
        seen.push(placesOfMover());
      }
    };
    const replayed = () => {
      replay();
      return placesOfMover();
    };
    await expect.poll(replayed).toEqual([from]);
    seen.length = 0;

    const moved = next<FloorChanged>(a.s, 'floor:changed', (c) => c.rooms.some((r) => r.id === to));
    expect((await b.s.emitWithAck('room:join', { roomId: to })).ok).toBe(true);
    const change = await moved;
    expect(change.rooms.map((r) => r.id).sort()).toEqual([from, to].sort());
    expect(change.removedRoomIds).toEqual([]);
    replay();
    expect(seen).toEqual([[to]]);

    // Leaving is a single room's change: the mover is then, rightly, in no room.
    expect((await b.s.emitWithAck('room:leave', { roomId: to })).ok).toBe(true);
    await expect.poll(replayed).toEqual([]);
  });

  it('lets only admins create rooms, and validates payloads', async () => {
    const b = await open(member, wsId);
    expect(await b.s.emitWithAck('room:create', { name: 'Mine' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await b.s.emitWithAck('room:join', { roomId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
  });

  it('refuses room ids of another workspace', async () => {
    const x = await open(outsider, otherWsId);
    const foreign = (await x.s.emitWithAck('room:create', { name: 'Secret' })).data.id;
    const a = await open(owner, wsId);
    expect(await a.s.emitWithAck('room:join', { roomId: foreign })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await a.s.emitWithAck('room:archive', { roomId: foreign })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('paces a burst of floor changes: at most one push per interval to each page, ending with the latest state', async () => {
    const a = await open(owner, wsId);
    const b = await open(member, wsId);
    const memberId = (await member.get('/api/session')).body.user.id as string;
    const frames: Array<{ at: number; texts: string[] }> = [];
    onFloorPush(a.s, ({ presence }) => {
      const texts = presence.filter((p) => p.userId === memberId).map((p) => p.status.text ?? '');
      if (texts.length) frames.push({ at: performance.now(), texts });
    });
    const BURST = 15; // under the per-socket floor budget (20)
    const startedAt = performance.now();
    const acks = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        b.s.emitWithAck('presence:set', { state: 'available', text: `burst ${i + 1}` }),
      ),
    );
    expect(acks.every((x) => x.ok)).toBe(true);
    await expect.poll(() => frames.at(-1)?.texts.at(-1)).toBe(`burst ${BURST}`);
    // The server sends a workspace's floor at most once per FLOOR_PUSH_INTERVAL_MS (same clock here): the
    // frames the page got are bounded by the time they took, whatever the machine's speed.
    const spanMs = frames.at(-1)!.at - startedAt;
    expect(frames.length).toBeLessThanOrEqual(Math.floor(spanMs / (FLOOR_PUSH_INTERVAL_MS - 5)) + 1);
    // Each frame holds one state per person: the latest at its time.
    expect(frames.every((f) => f.texts.length === 1)).toBe(true);
  });

  it('records room enter and leave in the workspace access log', async () => {
    const a = await open(owner, wsId);
    const roomId = (await a.s.emitWithAck('room:create', { name: 'Logged' })).data.id;
    await a.s.emitWithAck('room:join', { roomId });
    await a.s.emitWithAck('room:leave', { roomId });
    await expect
      .poll(async () => (await t.app.store.accessLog.list({ workspaceId: wsId, type: 'room.leave' })).length)
      .toBeGreaterThan(0);
    const enter = await t.app.store.accessLog.list({ workspaceId: wsId, type: 'room.enter' });
    expect(enter.some((e) => e.detail.roomId === roomId)).toBe(true);
  });

  it('disconnects the sockets of a user whose sessions end', async () => {
    const extra = await t.signedInUser('floor-temp@example.com', 'temp password 1');
    const ws2 = (await extra.post('/api/workspaces', { name: 'Temp' })).body.id;
    const { s } = await open(extra, ws2);
    const gone = new Promise((resolve) => s.once('disconnect', resolve));
    await extra.post('/api/account/password', {
      currentPassword: 'temp password 1',
      newPassword: 'temp password 2',
    });
    await gone;
  });

  it('re-sends pending knocks to someone inside the room when they reconnect', async () => {
    const a = await open(owner, wsId);
    const inviteeId = (await member.get('/api/session')).body.user.id;
    const b = await open(member, wsId);
    const inv = await a.s.emitWithAck('oneOnOne:invite', { userId: inviteeId });
    const accepted = await b.s.emitWithAck('oneOnOne:respond', { inviteId: inv.data.inviteId, accept: true });
    const privateRoom = accepted.data.roomId;
    const x = await t.joinedMember(owner, wsId, 'floor-knocker@example.com');
    const k = await open(x, wsId);
    expect((await k.s.emitWithAck('knock:request', { roomId: privateRoom })).ok).toBe(true);
    b.s.close();
    const again = await open(member, wsId);
    await expect
      .poll(() =>
        again.received
          .filter(([e]) => e === 'knock:requested')
          .map(([, k]) => (k as { roomId: string }).roomId),
      )
      .toEqual([privateRoom]);
  });
});
