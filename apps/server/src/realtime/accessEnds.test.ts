/**
 * Access that ends must end everywhere, at once (issue 9): removing or disabling a member, signing out,
 * changing the password, admin sign-out and session expiry each disconnect the sockets concerned within
 * 1 s, take the person off the floor (presence and room, so their media there closes), and leave the same
 * person's other workspace untouched.
 */
import type { AccessEnded } from '@tsudoi/protocol';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MediaService } from '../media/mediaService.js';
import type { ApiClient } from '../testing/apiClient.js';
import { floorPushContent, nextPresence, nextRoom } from '../testing/floorPushes.js';
import { TestSockets } from '../testing/sockets.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';
import { channels } from './types.js';

const BOUND_MS = 1000;
/** Long, so that only an immediate sign-off (not the grace period running out) shows someone offline. */
const GRACE_MS = 120_000;

let t: TestApp;
let sockets: TestSockets;
let ownerA: ApiClient;
let ownerB: ApiClient;
let ownerAId: string;
let wsA: string;
let wsB: string;
let roomA: string;
let n = 0;
/** Measured times from the triggering request to the socket's disconnect, for the report. */
const measured: Record<string, { afterAction: number; fromRequestStart: number }> = {};

beforeAll(async () => {
  t = await startTestApp({ PRESENCE_GRACE_MS: String(GRACE_MS), AUTH_RATE_LIMIT_PER_IP: '1000' });
  sockets = new TestSockets(t.app.url);
  ownerA = await t.signedInUser('ends-owner-a@example.com');
  ownerB = await t.signedInUser('ends-owner-b@example.com');
  ownerAId = (await ownerA.get('/api/session')).body.user.id;
  wsA = (await ownerA.post('/api/workspaces', { name: 'Ends A' })).body.id;
  wsB = (await ownerB.post('/api/workspaces', { name: 'Ends B' })).body.id;
  const a = await sockets.open(ownerA, wsA);
  roomA = (await a.s.emitWithAck('room:create', { name: 'Desk' })).data.id;
  sockets.closeAll();
});
afterEach(() => sockets.closeAll());
afterAll(async () => {
  console.info(
    'access-ends timings (ms: after the ending action completed / from its start):',
    JSON.stringify(measured),
  );
  await t?.close();
});

/** Invites an existing, signed-in user to another workspace; they accept. */
async function alsoJoin(admin: ApiClient, workspaceId: string, c: ApiClient, email: string) {
  const since = t.mail.messages.length;
  expect((await admin.post(`/api/workspaces/${workspaceId}/invitations`, { email })).status).toBe(201);
  const token = (await t.mail.waitFor(email, /invite\//, since)).text.match(/invite\/(\S+)/)![1]!;
  expect((await c.post(`/api/invitations/${token}/accept`)).status).toBe(200);
}

/** A fresh person: a member of A and (unless `onlyA`) of B, with one signed-in session. */
async function person(tag: string, onlyA = false) {
  const email = `ends-${tag}-${++n}@example.com`;
  const c = await t.joinedMember(ownerA, wsA, email);
  if (!onlyA) await alsoJoin(ownerB, wsB, c, email);
  const id: string = (await c.get('/api/session')).body.user.id;
  return { c, id, email };
}

/**
 * Watches `s` for the server's disconnect. `by(since)` resolves with the ms from `since` (when the ending
 * action completed: the HTTP answer, or the clock move) to the disconnect — 0 when it came first — and
 * rejects if the socket is still connected `bound` ms after `since`.
 */
function watchDisconnect(s: Socket) {
  const startedAt = performance.now();
  const at = new Promise<number>((resolve, reject) =>
    s.once('disconnect', (reason) =>
      reason === 'io server disconnect'
        ? resolve(performance.now())
        : reject(new Error(`disconnected by ${reason}`)),
    ),
  );
  return {
    async by(name: string, since = performance.now(), bound = BOUND_MS): Promise<number> {
      const when = await within(at, `${name}: disconnect`, Math.max(0, since + bound - performance.now()));
      measured[name] = {
        afterAction: Math.round(Math.max(0, when - since)),
        fromRequestStart: Math.round(when - startedAt),
      };
      return when - since;
    },
  };
}

/** Why the server said it ended the socket (`access:ended`, received before its disconnect), if it did. */
const toldWhy = (received: Array<[string, unknown]>) =>
  (received.find(([e]) => e === 'access:ended')?.[1] as AccessEnded | undefined)?.reason;

/** How many sockets the server still holds for this person in this workspace. */
const serverSocketsOf = async (workspaceId: string, userId: string) =>
  (await t.app.io.in(channels.user(userId)).fetchSockets()).filter(
    (x) => x.data.identity?.workspaceId === workspaceId,
  ).length;

/** `p`, or a rejection naming `what` after `ms`. */
function within<T>(p: Promise<T>, what: string, ms = BOUND_MS): Promise<T> {
  return Promise.race([
    p,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms),
    ),
  ]);
}

/** The observer sees `userId` go offline (with a long grace period, only an immediate sign-off does it). */
const goesOffline = (s: Socket, userId: string) => nextPresence(s, (p) => p.userId === userId && !p.online);

/** The victim enters room A and opens its media there (a peer with a transport). */
async function intoRoomWithMedia(s: Socket, userId: string) {
  expect((await s.emitWithAck('room:join', { roomId: roomA })).ok).toBe(true);
  expect((await s.emitWithAck('media:join', {})).ok).toBe(true);
  expect((await s.emitWithAck('media:createTransport', { direction: 'recv' })).ok).toBe(true);
  const peer = t.app.media.peer(MediaService.roomKey(wsA, roomA), userId);
  expect(peer?.closed).toBe(false);
  return peer!;
}

/** B still works for the person: their B socket receives B's pushes. */
async function bStillPushes(sB: Socket) {
  const b = await sockets.open(ownerB, wsB);
  const pushed = nextRoom(sB, (r) => r.name.startsWith('B room'));
  expect((await b.s.emitWithAck('room:create', { name: `B room ${n}` })).ok).toBe(true);
  await within(pushed, 'B push');
  expect(sB.connected).toBe(true);
}

describe('membership ended', () => {
  it('removing a member disconnects their A sockets within 1 s, closes their media, clears the floor; B untouched', async () => {
    const v = await person('removed');
    const observer = await sockets.open(ownerA, wsA);
    const sA = await sockets.open(v.c, wsA);
    const sB = await sockets.open(v.c, wsB);
    const peer = await intoRoomWithMedia(sA.s, v.id);
    const mediaBefore = t.app.media.stats();

    const offline = goesOffline(observer.s, v.id);
    const leftRoom = nextRoom(
      observer.s,
      (r) => r.id === roomA && !r.participants.some((p) => p.userId === v.id),
    );
    const gone = watchDisconnect(sA.s);
    expect((await ownerA.delete(`/api/workspaces/${wsA}/members/${v.id}`)).status).toBe(200);
    await gone.by('removed');
    expect(toldWhy(sA.received)).toBe('removed');
    await within(offline, 'floor presence offline');
    await within(leftRoom, 'left the room');
    expect(peer.closed).toBe(true);
    expect(t.app.media.stats().peers).toBe(mediaBefore.peers - 1);
    expect(await serverSocketsOf(wsA, v.id)).toBe(0);

    // Can do nothing more in A: HTTP answers 404, a new socket is refused.
    expect((await v.c.get(`/api/workspaces/${wsA}`)).status).toBe(404);
    expect((await v.c.get(`/api/workspaces/${wsA}/members`)).status).toBe(404);
    await expect(sockets.open(v.c, wsA)).rejects.toBe('NOT_FOUND');
    // B: same session, same socket, still working.
    expect((await v.c.get(`/api/workspaces/${wsB}`)).status).toBe(200);
    await bStillPushes(sB.s);
    expect(toldWhy(sB.received)).toBeUndefined();
  });

  it('disabling a member ends their access to A only: sockets, media and floor within 1 s', async () => {
    const v = await person('disabled');
    const observer = await sockets.open(ownerA, wsA);
    const sA = await sockets.open(v.c, wsA);
    const sB = await sockets.open(v.c, wsB);
    const peer = await intoRoomWithMedia(sA.s, v.id);

    const offline = goesOffline(observer.s, v.id);
    const gone = watchDisconnect(sA.s);
    const r = await ownerA.patch(`/api/workspaces/${wsA}/members/${v.id}`, { status: 'disabled' });
    expect(r.status).toBe(200);
    await gone.by('disabled');
    expect(toldWhy(sA.received)).toBe('disabled');
    await within(offline, 'floor presence offline');
    expect(peer.closed).toBe(true);
    expect(await serverSocketsOf(wsA, v.id)).toBe(0);
    expect(await serverSocketsOf(wsB, v.id)).toBe(1);
    expect((await v.c.get(`/api/workspaces/${wsA}`)).status).toBe(404);
    await expect(sockets.open(v.c, wsA)).rejects.toBe('NOT_FOUND');

    // Their session (account-wide) lives on for B.
    expect((await v.c.get('/api/session')).status).toBe(200);
    expect((await v.c.get(`/api/workspaces/${wsB}`)).status).toBe(200);
    await bStillPushes(sB.s);
    expect(toldWhy(sB.received)).toBeUndefined();
  });
});

describe('session ended', () => {
  it('sign-out disconnects that session’s sockets within 1 s, not the same user’s other session', async () => {
    const v = await person('signout', true);
    const other = await t.signedInAgain(v.email);
    const observer = await sockets.open(ownerA, wsA);
    const s1 = await sockets.open(v.c, wsA);
    const s2 = await sockets.open(other, wsA);

    const gone = watchDisconnect(s1.s);
    expect((await v.c.post('/api/auth/signout')).status).toBe(200);
    await gone.by('signout');
    expect(toldWhy(s1.received)).toBe('signedOut');
    // The other session's socket still gets pushes; nobody saw the person leave.
    const seen = observer.received.length;
    const pushed = nextRoom(s2.s, (x) => x.name === 'After signout');
    expect((await observer.s.emitWithAck('room:create', { name: 'After signout' })).ok).toBe(true);
    await within(pushed, 'push to the other session');
    expect(
      observer.received
        .slice(seen)
        .some(([e, p]) => floorPushContent(e, p)?.presence.some((m) => m.userId === v.id)),
    ).toBe(false);
    expect(toldWhy(s2.received)).toBeUndefined();

    // Signing out the last session takes the person off the floor at once.
    const offline = goesOffline(observer.s, v.id);
    const gone2 = watchDisconnect(s2.s);
    expect((await other.post('/api/auth/signout')).status).toBe(200);
    await gone2.by('signoutLastSession');
    await within(offline, 'floor presence offline');
  });

  it('a password change disconnects every session’s sockets, in A and B, within 1 s', async () => {
    const v = await person('password');
    const observer = await sockets.open(ownerA, wsA);
    const sA = await sockets.open(v.c, wsA);
    const sB = await sockets.open(v.c, wsB);
    const offline = goesOffline(observer.s, v.id);
    const goneA = watchDisconnect(sA.s);
    const goneB = watchDisconnect(sB.s);
    const r = await v.c.post('/api/account/password', {
      currentPassword: 'correct horse battery',
      newPassword: 'a brand new passphrase 7',
    });
    expect(r.status).toBe(200);
    const answered = performance.now();
    await goneA.by('passwordChangeA', answered);
    await goneB.by('passwordChangeB', answered);
    expect([toldWhy(sA.received), toldWhy(sB.received)]).toEqual(['passwordChanged', 'passwordChanged']);
    await within(offline, 'floor presence offline');
    await expect(sockets.open(v.c, wsA)).rejects.toBe('UNAUTHENTICATED');
  });

  it('admin sign-out ends a member’s sessions and sockets within 1 s, and is logged', async () => {
    const v = await person('adminsignout', true);
    const sA = await sockets.open(v.c, wsA);
    const gone = watchDisconnect(sA.s);
    const r = await ownerA.post(`/api/workspaces/${wsA}/members/${v.id}/signout`);
    expect(r).toMatchObject({ status: 200, body: { status: 'signed-out', sessions: 1 } });
    await gone.by('adminSignout');
    expect(toldWhy(sA.received)).toBe('signedOutByAdmin');
    expect((await v.c.get('/api/session')).status).toBe(401);
    const types = (await t.app.store.accessLog.list({ workspaceId: wsA, userId: ownerAId })).map(
      (e) => e.type,
    );
    expect(types).toContain('admin.member_signed_out');
  });

  it('admin sign-out is refused to an admin of A for a member who is also in B; nothing ends', async () => {
    const v = await person('adminsignout-shared');
    const sA = await sockets.open(v.c, wsA);
    const r = await ownerA.post(`/api/workspaces/${wsA}/members/${v.id}/signout`);
    expect(r).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect((await sA.s.emitWithAck('ping', {})).ok).toBe(true);
    expect((await v.c.get('/api/session')).status).toBe(200);
    // A member (not admin) cannot sign anyone out; another tenant's admin gets 404.
    expect((await v.c.post(`/api/workspaces/${wsA}/members/${ownerAId}/signout`)).status).toBe(403);
    expect((await ownerB.post(`/api/workspaces/${wsA}/members/${v.id}/signout`)).status).toBe(404);
  });
});

describe('account-wide lockout', () => {
  const lock = async (email: string, times: number) => {
    const c = t.client();
    for (let i = 0; i < times; i++)
      expect((await c.post('/api/auth/signin', { email, password: 'not the password' })).status).toBe(401);
    const right = await c.post('/api/auth/signin', { email, password: 'correct horse battery' });
    expect(right.body.code).toBe('SIGNIN_FAILED');
  };

  it('an admin of A cannot lift a lockout caused under B’s stricter policy', async () => {
    const v = await person('lock-shared');
    const rules = { passwordRules: { lockoutThreshold: 3 } };
    expect((await ownerB.patch(`/api/workspaces/${wsB}`, rules)).status).toBe(200);
    try {
      await lock(v.email, 3); // B's threshold, not A's default 5
      const r = await ownerA.post(`/api/workspaces/${wsA}/members/${v.id}/unlock`);
      expect(r).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
      const still = await t.client().post('/api/auth/signin', {
        email: v.email,
        password: 'correct horse battery',
      });
      expect(still.body.code).toBe('SIGNIN_FAILED');
      const types = (await t.app.store.accessLog.list({ workspaceId: wsA })).map((e) => e.type);
      expect(types).not.toContain('admin.account_unlocked');
    } finally {
      await ownerB.patch(`/api/workspaces/${wsB}`, { passwordRules: { lockoutThreshold: 5 } });
    }
  });

  it('an admin of the only workspace a locked user belongs to can lift it', async () => {
    const v = await person('lock-only', true);
    await lock(v.email, 5);
    expect((await ownerA.post(`/api/workspaces/${wsA}/members/${v.id}/unlock`)).status).toBe(200);
    const again = await t
      .client()
      .post('/api/auth/signin', { email: v.email, password: 'correct horse battery' });
    expect(again.body.next).toBe('otp');
  });
});

// Moves the server clock by hours: keep this block last in the file.
describe('session expiry', () => {
  it('an open socket keeps its session from idling out, but the absolute expiry disconnects it within 1 s', async () => {
    const v = await person('expiry', true);
    const idle = await person('idle', true);
    const sA = await sockets.open(v.c, wsA);

    t.advance(31 * 60_000); // past the 30-minute idle timeout
    expect((await idle.c.get('/api/session')).status).toBe(401); // no socket: idled out
    expect((await v.c.get('/api/session')).status).toBe(200); // its open socket counts as use
    expect((await sA.s.emitWithAck('ping', {})).ok).toBe(true);

    // A watcher who signed in much later (their session outlives the victim's).
    t.advance(11 * 3_600_000);
    const watcher = await t.signedInAgain('ends-owner-a@example.com');
    const observer = await sockets.open(watcher, wsA);
    const offline = goesOffline(observer.s, v.id);
    const gone = watchDisconnect(sA.s);
    t.advance(30 * 60_000); // 12 h 1 min after the victim signed in
    await gone.by('absoluteExpiry');
    expect(toldWhy(sA.received)).toBe('sessionExpired');
    await within(offline, 'floor presence offline');
    expect((await v.c.get('/api/session')).status).toBe(401);
    expect((await observer.s.emitWithAck('ping', {})).ok).toBe(true);
  });
});
