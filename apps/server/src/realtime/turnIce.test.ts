import { createHmac } from 'node:crypto';
import { type IceServer, PROTOCOL_VERSION } from '@tsudoi/protocol';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../testing/apiClient.js';
import { freeUdpTcpPorts } from '../testing/freePorts.js';
import { TestSockets } from '../testing/sockets.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';

// Issue 14 through the real server: RTC_PORT and TURN_* from the environment reach the media answers.
const SECRET = 'ice-answer-secret-5531';
const URLS = 'turn:127.0.0.1:3478?transport=tcp,turns:127.0.0.1:5349?transport=tcp';

let t: TestApp;
let sockets: TestSockets;
let owner: ApiClient;
let ownerId: string;
let workspaceId: string;
let roomId: string;
let rtcPort: number;
/** How far the test moved the server's clock (`t.advance`). */
let advanced = 0;
const serverNow = () => Date.now() + advanced;
const anonymous: Socket[] = [];

beforeAll(async () => {
  rtcPort = await freeUdpTcpPorts(1);
  t = await startTestApp({
    TURN_URLS: URLS,
    TURN_SECRET: SECRET,
    TURN_TTL: '900',
    RTC_PORT: String(rtcPort),
  });
  sockets = new TestSockets(t.app.url);
  owner = await t.signedInUser('ice-owner@example.com');
  ownerId = (await owner.get('/api/session')).body.user.id;
  workspaceId = (await owner.post('/api/workspaces', { name: 'Ice' })).body.id;
  const { s } = await sockets.open(owner, workspaceId);
  roomId = (await s.emitWithAck('room:create', { name: 'Desk' })).data.id;
  sockets.closeAll();
}, 60_000);
afterEach(() => {
  sockets.closeAll();
  for (const s of anonymous.splice(0)) s.close();
});
afterAll(() => t?.close());

/** What coturn checks: the credential is the HMAC of the username, and the expiry is its prefix. */
const verifies = (server: IceServer) =>
  createHmac('sha1', SECRET).update(server.username).digest('base64') === server.credential;
const expiryOf = (server: IceServer) => Number(server.username.split(':')[0]) * 1000;

async function joinMedia(c: ApiClient) {
  const { s } = await sockets.open(c, workspaceId);
  expect((await s.emitWithAck('room:join', { roomId })).ok).toBe(true);
  const r = await s.emitWithAck('media:join', { transports: true });
  expect(r.ok, JSON.stringify(r)).toBe(true);
  return r.data;
}

describe('media answers with TURN and the node ports (issue 14)', () => {
  it("hands each person a credential in their own name, valid TURN_TTL by the server's clock", async () => {
    const before = Date.now();
    const joined = await joinMedia(owner);
    expect(joined.iceTransportPolicy).toBe('all');
    const [server] = joined.iceServers as IceServer[];
    expect(server!.urls).toEqual(URLS.split(','));
    expect(server!.username).toMatch(new RegExp(`^\\d+:${ownerId}$`));
    expect(verifies(server!)).toBe(true);
    expect(expiryOf(server!)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 900_000);
    expect(expiryOf(server!)).toBeLessThanOrEqual(Date.now() + 900_000);

    // Another member gets one in their name, never the owner's.
    const member = await t.joinedMember(owner, workspaceId, 'ice-member@example.com');
    const memberId = (await member.get('/api/session')).body.user.id;
    const theirs = ((await joinMedia(member)).iceServers as IceServer[])[0]!;
    expect(theirs.username).toMatch(new RegExp(`^\\d+:${memberId}$`));
    expect(theirs.username).not.toContain(ownerId);
    expect(verifies(theirs)).toBe(true);

    // Time is the server's: two hours later, a new join gets a credential that expires two hours later.
    t.advance(2 * 3600_000);
    advanced += 2 * 3600_000;
    const later = ((await joinMedia(owner)).iceServers as IceServer[])[0]!;
    expect(expiryOf(later) - expiryOf(server!)).toBeGreaterThanOrEqual(2 * 3600_000);
  });

  it('puts both transports on the RTC_PORT of the one worker (UDP and TCP)', async () => {
    const joined = await joinMedia(owner);
    const transports = joined.transports as Record<
      'send' | 'recv',
      { iceCandidates: Array<{ port: number; protocol: string }> }
    >;
    for (const dir of ['send', 'recv'] as const) {
      expect(transports[dir].iceCandidates.map((c) => `${c.protocol}:${c.port}`).sort()).toEqual([
        `tcp:${rtcPort}`,
        `udp:${rtcPort}`,
      ]);
    }
  });

  it("gives a visitor's connection check a short-lived credential in no one's name", async () => {
    const s = connect(t.app.url, {
      auth: { protocolVersion: PROTOCOL_VERSION },
      transports: ['websocket'],
      extraHeaders: { origin: t.app.url },
      reconnection: false,
    });
    anonymous.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });
    const r = await s.emitWithAck('check:start', {});
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const server = (r.data.iceServers as IceServer[])[0]!;
    expect(server.username).toMatch(/^\d+:check-[A-Za-z0-9_-]{12}$/);
    expect(verifies(server)).toBe(true);
    // The check's lifetime (CHECK_LIFETIME_MS), not TURN_TTL's 15 minutes.
    expect(expiryOf(server)).toBeGreaterThan(serverNow());
    expect(expiryOf(server)).toBeLessThan(serverNow() + 900_000);
  });
});
