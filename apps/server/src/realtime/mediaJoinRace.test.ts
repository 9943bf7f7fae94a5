/**
 * A `media:join` still opening the room's media when the person's access ends (or their socket goes, or
 * they leave the room) must not leave a media peer behind (issue 9 audit): nobody would ever close it.
 * The real server; the room's media opening is held at a gate so the race is hit every time.
 */
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MediaService } from '../media/mediaService.js';
import type { ApiClient } from '../testing/apiClient.js';
import { TestSockets } from '../testing/sockets.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';

const BOUND_MS = 1000;

let t: TestApp;
let sockets: TestSockets;
let owner: ApiClient;
let ws: string;
let room: string;
let roomKey: string;
let n = 0;

beforeAll(async () => {
  t = await startTestApp({ AUTH_RATE_LIMIT_PER_IP: '1000' });
  sockets = new TestSockets(t.app.url);
  owner = await t.signedInUser('race-owner@example.com');
  ws = (await owner.post('/api/workspaces', { name: 'Race' })).body.id;
  const o = await sockets.open(owner, ws);
  room = (await o.s.emitWithAck('room:create', { name: 'Desk' })).data.id;
  roomKey = MediaService.roomKey(ws, room);
  sockets.closeAll();
});
afterEach(() => {
  vi.restoreAllMocks();
  sockets.closeAll();
});
afterAll(() => t?.close());

/** A fresh member of the workspace, in the room, with a socket. */
async function memberInRoom() {
  const c = await t.joinedMember(owner, ws, `race-${++n}@example.com`);
  const id: string = (await c.get('/api/session')).body.user.id;
  const { s } = await sockets.open(c, ws);
  expect((await s.emitWithAck('room:join', { roomId: room })).ok).toBe(true);
  return { c, id, s };
}

/**
 * Holds the next `media.join` before it opens anything: `reached` once the server is waiting in it,
 * `release()` lets it go on, `joined` resolves when the real join has put the peer in the room.
 */
function holdNextMediaJoin() {
  const media = t.app.media;
  const real = media.join.bind(media);
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let reachedIt!: () => void;
  const reached = new Promise<void>((r) => {
    reachedIt = r;
  });
  let joinedIt!: (p: Promise<unknown>) => void;
  const joined = new Promise<unknown>((r) => {
    joinedIt = r;
  });
  vi.spyOn(media, 'join').mockImplementationOnce(async (...args) => {
    reachedIt();
    await gate;
    const p = real(...args);
    joinedIt(p);
    return p;
  });
  return { reached, release, joined };
}

/** Resolves once `check()` holds; fails if it does not within `ms`. */
async function eventually(what: string, check: () => boolean, ms = BOUND_MS): Promise<number> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return performance.now() - start;
}

const disconnected = (s: Socket) => new Promise<void>((r) => s.once('disconnect', () => r()));
const noPeerOf = (userId: string) => () => t.app.media.peer(roomKey, userId) === undefined;

describe('media:join racing the end of access', () => {
  it('a normal join under the same hold keeps its peer (control)', async () => {
    const m = await memberInRoom();
    const hold = holdNextMediaJoin();
    const ack = m.s.emitWithAck('media:join', {});
    await hold.reached;
    hold.release();
    expect(await ack).toMatchObject({ ok: true });
    expect(t.app.media.peer(roomKey, m.id)?.closed).toBe(false);
  });

  it('removed while the join is opening the media: no peer of theirs remains within 1 s', async () => {
    for (let i = 0; i < 3; i++) {
      const m = await memberInRoom();
      const peersBefore = t.app.media.stats().peers;
      const hold = holdNextMediaJoin();
      void m.s.emitWithAck('media:join', {}).catch(() => {});
      await hold.reached;
      const gone = disconnected(m.s);
      expect((await owner.delete(`/api/workspaces/${ws}/members/${m.id}`)).status).toBe(200);
      await gone;
      hold.release();
      await hold.joined; // the server has now put a peer in the room for the removed person
      await eventually('removed person’s peer closed', noPeerOf(m.id));
      expect(t.app.media.stats().peers).toBe(peersBefore);
    }
  });

  it('socket closed by the client during the join: the peer is closed', async () => {
    const m = await memberInRoom();
    const peersBefore = t.app.media.stats().peers;
    const hold = holdNextMediaJoin();
    void m.s.emitWithAck('media:join', {}).catch(() => {});
    await hold.reached;
    const serverSide = t.app.io.of('/').sockets.get(m.s.id!);
    expect(serverSide).toBeDefined();
    const closedOnServer = new Promise<void>((r) => serverSide!.once('disconnect', () => r()));
    m.s.close();
    await closedOnServer;
    hold.release();
    await hold.joined;
    await eventually('closed socket’s peer closed', noPeerOf(m.id));
    expect(t.app.media.stats().peers).toBe(peersBefore);
  });

  it('left the room during the join: CONFLICT and no peer; joining again works', async () => {
    const m = await memberInRoom();
    const hold = holdNextMediaJoin();
    const ack = m.s.emitWithAck('media:join', {});
    await hold.reached;
    expect((await m.s.emitWithAck('room:leave', { roomId: room })).ok).toBe(true);
    hold.release();
    expect(await ack).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    await eventually('left person’s peer closed', noPeerOf(m.id));
    // Back in the room, the media joins as usual.
    expect((await m.s.emitWithAck('room:join', { roomId: room })).ok).toBe(true);
    expect(await m.s.emitWithAck('media:join', {})).toMatchObject({ ok: true });
    expect(t.app.media.peer(roomKey, m.id)?.closed).toBe(false);
  });
});
