import {
  type FloorSnapshot,
  type MemberPresence,
  PROTOCOL_VERSION,
  type RoomSummary,
} from '@tsudoi/protocol';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../testing/apiClient.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';

let t: TestApp;
let owner: ApiClient;
let member: ApiClient;
let outsider: ApiClient;
let wsId: string;
let otherWsId: string;
const sockets: Socket[] = [];

const cookieOf = (c: ApiClient) => [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

/** A workspace socket for a client, resolved once the floor snapshot arrived (or rejected with the refusal). */
function open(
  c: ApiClient | undefined,
  workspaceId: string,
): Promise<{ s: Socket; snapshot: FloorSnapshot }> {
  const s = connect(t.app.url, {
    auth: { protocolVersion: PROTOCOL_VERSION, workspaceId },
    transports: ['websocket'],
    extraHeaders: c ? { cookie: cookieOf(c) } : {},
    reconnection: false,
  });
  sockets.push(s);
  return new Promise((resolve, reject) => {
    s.once('floor:snapshot', (snapshot) => resolve({ s, snapshot }));
    s.once('connect_error', (err: Error & { data?: { code: string } }) =>
      reject(err.data?.code ?? err.message),
    );
  });
}

const next = <T>(s: Socket, event: string, where: (p: T) => boolean = () => true) =>
  new Promise<T>((resolve) => {
    const h = (p: T) => {
      if (!where(p)) return;
      s.off(event, h);
      resolve(p);
    };
    s.on(event, h);
  });

beforeAll(async () => {
  t = await startTestApp({ PRESENCE_GRACE_MS: '300' });
  owner = await t.signedInUser('floor-owner@example.com');
  wsId = (await owner.post('/api/workspaces', { name: 'Floor Co' })).body.id;
  const since = t.mail.messages.length;
  await owner.post(`/api/workspaces/${wsId}/invitations`, { email: 'floor-member@example.com' });
  const token = (await t.mail.waitFor('floor-member@example.com', /invite\//, since)).text.match(
    /invite\/(\S+)/,
  )![1]!;
  member = await t.signedInUser('floor-member@example.com');
  await member.post(`/api/invitations/${token}/accept`);
  outsider = await t.signedInUser('floor-outsider@example.com');
  otherWsId = (await outsider.post('/api/workspaces', { name: 'Other Co' })).body.id;
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});
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

    const online = next<MemberPresence>(
      a.s,
      'floor:presence',
      (p) => p.displayName === 'floor-member' && p.online,
    );
    const b = await open(member, wsId);
    await online;
    expect(b.snapshot.rooms.map((r: { name: string }) => r.name)).toContain('Lounge');

    const seen = next<RoomSummary>(
      a.s,
      'floor:roomUpdated',
      (r) => r.id === roomId && r.participants.length === 1,
    );
    expect((await b.s.emitWithAck('room:join', { roomId })).ok).toBe(true);
    expect((await seen).participants[0]?.displayName).toBe('floor-member');
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
});
