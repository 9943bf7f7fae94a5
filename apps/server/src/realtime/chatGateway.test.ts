import type { ChatMessageView, ChatPurged, ThreadView } from '@tsudoi/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../testing/apiClient.js';
import { nextEvent, TestSockets } from '../testing/sockets.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';

let t: TestApp;
let sockets: TestSockets;
let aiko: ApiClient;
let ben: ApiClient;
let chie: ApiClient;
let wsId: string;
let ids: Record<string, string>;

beforeAll(async () => {
  t = await startTestApp();
  sockets = new TestSockets(t.app.url);
  aiko = await t.signedInUser('aiko@example.com');
  wsId = (await aiko.post('/api/workspaces', { name: 'Chat Co' })).body.id;
  ben = await t.joinedMember(aiko, wsId, 'ben@example.com');
  chie = await t.joinedMember(aiko, wsId, 'chie@example.com');
  ids = Object.fromEntries(
    await Promise.all(
      [aiko, ben, chie].map(async (c) => {
        const u = (await c.get('/api/session')).body.user;
        return [u.displayName, u.id] as const;
      }),
    ),
  );
});
afterEach(() => sockets.closeAll());
afterAll(() => t?.close());

/** Messages of the room still in the store, whichever engine (TEST_STORE) holds them. */
const rows = async (roomId: string) =>
  (await t.app.store.messages.list(wsId, roomId, { limit: 1000 })).length;

describe('room messages (R6)', () => {
  it('reach everyone in the room in order; people outside cannot read or send', async () => {
    const a = (await sockets.open(aiko, wsId)).s;
    const b = (await sockets.open(ben, wsId)).s;
    const c = (await sockets.open(chie, wsId)).s;
    const roomId = (await a.emitWithAck('room:create', { name: 'Talk' })).data.id;
    await a.emitWithAck('room:join', { roomId });
    await b.emitWithAck('room:join', { roomId });
    const toRoom = { kind: 'room', roomId };

    const got = nextEvent<ChatMessageView>(b, 'chat:message', (m) => m.text === 'hello <b>ben</b>');
    const sent = await a.emitWithAck('chat:send', { to: toRoom, text: 'hello <b>ben</b>' });
    expect(sent).toMatchObject({ ok: true, data: { sender: { displayName: 'aiko' }, kind: 'room' } });
    expect((await got).conversationId).toBe(roomId);
    await b.emitWithAck('chat:send', { to: toRoom, text: 'hi aiko' });
    const history = await b.emitWithAck('chat:history', { to: toRoom });
    expect(history.data.messages.map((m: ChatMessageView) => m.text)).toEqual([
      'hello <b>ben</b>',
      'hi aiko',
    ]);

    expect(await c.emitWithAck('chat:history', { to: toRoom })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await c.emitWithAck('chat:send', { to: toRoom, text: 'psst' })).toMatchObject({ ok: false });
    expect(await a.emitWithAck('chat:send', { to: toRoom, text: 'x'.repeat(2001) })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
  });

  it('are deleted at once when the last person leaves; open clients are told', async () => {
    const a = (await sockets.open(aiko, wsId)).s;
    const b = (await sockets.open(ben, wsId)).s;
    const watcher = (await sockets.open(chie, wsId)).s;
    const roomId = (await a.emitWithAck('room:create', { name: 'Vanishing' })).data.id;
    await a.emitWithAck('room:join', { roomId });
    await b.emitWithAck('room:join', { roomId });
    await a.emitWithAck('chat:send', { to: { kind: 'room', roomId }, text: 'secret plan' });
    await b.emitWithAck('chat:send', { to: { kind: 'room', roomId }, text: 'agreed' });
    expect(await rows(roomId)).toBe(2);

    await a.emitWithAck('room:leave', { roomId });
    expect(await rows(roomId)).toBe(2); // one person is still talking
    const purged = nextEvent<ChatPurged>(watcher, 'chat:purged', (p) => p.conversationId === roomId);
    await b.emitWithAck('room:leave', { roomId });
    await purged;
    expect(await rows(roomId)).toBe(0);

    await b.emitWithAck('room:join', { roomId });
    expect((await b.emitWithAck('chat:history', { to: { kind: 'room', roomId } })).data.messages).toEqual([]);
  });
});

describe('workspace threads (R7)', () => {
  it('deliver live with unread counts; only members read them', async () => {
    const a = (await sockets.open(aiko, wsId)).s;
    const b = (await sockets.open(ben, wsId)).s;
    const c = (await sockets.open(chie, wsId)).s;
    const thread: ThreadView = (await a.emitWithAck('thread:open', { memberIds: [ids.ben] })).data;
    expect(thread).toMatchObject({ type: 'direct', unread: 0 });
    expect((await a.emitWithAck('thread:open', { memberIds: [ids.ben] })).data.id).toBe(thread.id);

    const unread = nextEvent<ThreadView>(b, 'thread:updated', (v) => v.id === thread.id && v.unread === 1);
    const msg = nextEvent<ChatMessageView>(b, 'chat:message', (m) => m.conversationId === thread.id);
    const sent = await a.emitWithAck('chat:send', {
      to: { kind: 'thread', threadId: thread.id },
      text: 'lunch?',
    });
    expect((await msg).text).toBe('lunch?');
    await unread;
    const listed = (await b.emitWithAck('thread:list', {})).data.threads;
    expect(listed.find((x: ThreadView) => x.id === thread.id)?.unread).toBe(1);
    const otherTab = (await sockets.open(ben, wsId)).s;
    const cleared = nextEvent<ThreadView>(
      otherTab,
      'thread:updated',
      (v) => v.id === thread.id && v.unread === 0,
    );
    await b.emitWithAck('thread:read', { threadId: thread.id, upTo: sent.data.sentAt });
    await cleared; // the reader's other tab drops its badge too
    expect((await b.emitWithAck('thread:list', {})).data.threads[0].unread).toBe(0);

    const spy = await c.emitWithAck('chat:history', { to: { kind: 'thread', threadId: thread.id } });
    expect(spy).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await c.emitWithAck('thread:read', { threadId: thread.id, upTo: sent.data.sentAt })).toMatchObject(
      { ok: false },
    );
  });

  it('refuse members and threads of another workspace', async () => {
    const outsider = await t.signedInUser('outsider-chat@example.com');
    const otherWs = (await outsider.post('/api/workspaces', { name: 'Elsewhere' })).body.id;
    const x = (await sockets.open(outsider, otherWs)).s;
    const a = (await sockets.open(aiko, wsId)).s;
    const outsiderId = (await outsider.get('/api/session')).body.user.id;
    expect(await a.emitWithAck('thread:open', { memberIds: [outsiderId] })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    const theirs = (await x.emitWithAck('thread:open', { memberIds: [outsiderId], title: 'solo' })).data;
    expect(theirs).toBeUndefined(); // a thread needs another member
    const ours = (await a.emitWithAck('thread:open', { memberIds: [ids.chie] })).data.id;
    expect(await x.emitWithAck('chat:history', { to: { kind: 'thread', threadId: ours } })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });
});
