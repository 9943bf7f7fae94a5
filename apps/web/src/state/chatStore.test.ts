import { EventEmitter } from 'node:events';
import type { ChatMessageView, ThreadView } from '@tsudoi/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import { ChatSession, type ChatSocket } from '../chat/chatSession';
import {
  applyHistory,
  applyMessage,
  applyPurged,
  applyRead,
  applyRoom,
  applyThreads,
  applyThreadUpdated,
  chatActions,
  emptyChat,
  selectMessages,
  selectThreads,
  selectUnreadTotal,
  shownUnread,
  THREAD_LIST,
  useChatStore,
} from './chatStore';

const ROOM = '00000000-0000-4000-8000-0000000000a1';
const OTHER_ROOM = '00000000-0000-4000-8000-0000000000b2';
const THREAD = '00000000-0000-4000-8000-0000000000c3';
const AIKO = { userId: '00000000-0000-4000-8000-0000000000d4', displayName: 'Aiko' };

let seq = 0;
const msg = (sentAt: string, over: Partial<ChatMessageView> = {}): ChatMessageView => ({
  id: `m${String(++seq).padStart(3, '0')}`,
  conversationId: ROOM,
  kind: 'room',
  sender: AIKO,
  text: `text ${seq}`,
  sentAt,
  ...over,
});
const thread = (over: Partial<ThreadView> = {}): ThreadView => ({
  id: THREAD,
  type: 'direct',
  members: [AIKO],
  unread: 0,
  ...over,
});
const T1 = '2030-01-01T00:00:01.000Z';
const T2 = '2030-01-01T00:00:02.000Z';
const T3 = '2030-01-01T00:00:03.000Z';
const inRoom = () => applyRoom(emptyChat(), ROOM);
const texts = (s: ReturnType<typeof emptyChat>, id = ROOM) => selectMessages(id)(s).map((m) => m.text);

describe('chat reducers', () => {
  it('keeps messages ordered by sentAt whatever order they arrive in', () => {
    const [a, b, c] = [msg(T2), msg(T1), msg(T3)];
    let s = applyMessage(inRoom(), a!);
    s = applyMessage(s, b!);
    s = applyHistory(s, ROOM, 'room', [c!]);
    expect(texts(s)).toEqual([b!.text, a!.text, c!.text]);
  });

  it('keeps one copy of a message that arrives twice (ack, push, history)', () => {
    const m = msg(T1);
    let s = applyMessage(inRoom(), m);
    s = applyMessage(s, m);
    s = applyHistory(s, ROOM, 'room', [m, msg(T2)]);
    expect(selectMessages(ROOM)(s)).toHaveLength(2);
    expect(s.loaded[ROOM]).toBe(true);
  });

  it('holds room messages only for the room I am in, and forgets them when I leave', () => {
    let s = applyMessage(emptyChat(), msg(T1));
    expect(selectMessages(ROOM)(s)).toEqual([]);
    s = applyMessage(inRoom(), msg(T1));
    s = applyHistory(s, OTHER_ROOM, 'room', [msg(T2, { conversationId: OTHER_ROOM })]);
    expect(s.messages[OTHER_ROOM]).toBeUndefined();
    s = applyMessage(s, msg(T2, { conversationId: THREAD, kind: 'thread' }));
    s = applyRoom(s, OTHER_ROOM);
    expect(s.messages[ROOM]).toBeUndefined();
    expect(s.loaded[ROOM]).toBeUndefined();
    expect(texts(s, THREAD)).toHaveLength(1);
    expect(applyRoom(s, null).roomId).toBeNull();
  });

  it('drops every purged message, or only those sent up to upTo', () => {
    const s = applyHistory(inRoom(), ROOM, 'room', [msg(T1), msg(T2), msg(T3)]);
    expect(texts(applyPurged(s, { conversationId: ROOM }))).toEqual([]);
    expect(
      selectMessages(ROOM)(applyPurged(s, { conversationId: ROOM, upTo: T2 })).map((m) => m.sentAt),
    ).toEqual([T3]);
    expect(applyPurged(s, { conversationId: THREAD })).toBe(s);
    expect(applyPurged(s, { conversationId: ROOM, upTo: '2029-12-31T00:00:00.000Z' })).toBe(s);
  });

  it('tracks unread counts from thread updates and clears them once read', () => {
    let s = applyThreads(emptyChat(), [thread({ unread: 2 })]);
    expect(s.threadsLoaded).toBe(true);
    expect(selectUnreadTotal(s)).toBe(2);
    s = applyThreadUpdated(s, thread({ unread: 3, lastMessageAt: T3 }));
    s = applyThreadUpdated(
      s,
      thread({ id: OTHER_ROOM, type: 'group', title: 'Team', unread: 1, lastMessageAt: T1 }),
    );
    expect(selectUnreadTotal(s)).toBe(4);
    expect(selectThreads(s).map((t) => t.id)).toEqual([THREAD, OTHER_ROOM]);
    s = applyRead(s, THREAD);
    expect(s.threads[THREAD]?.unread).toBe(0);
    expect(selectUnreadTotal(s)).toBe(1);
    expect(applyRead(s, THREAD)).toBe(s);
  });

  it('counts nothing unread in the thread open on the page, until it is closed again', () => {
    const s = applyThreads(emptyChat(), [
      thread({ unread: 2 }),
      thread({ id: OTHER_ROOM, type: 'group', title: 'Team', unread: 1, lastMessageAt: T1 }),
    ]);
    const viewing = { ...s, viewing: THREAD };
    expect(selectUnreadTotal(viewing)).toBe(1);
    expect(shownUnread(viewing.threads[THREAD] as ThreadView, viewing.viewing)).toBe(0);
    expect(shownUnread(viewing.threads[OTHER_ROOM] as ThreadView, viewing.viewing)).toBe(1);
    // The server's count is kept: the page still asks to read it, and closing shows what is left.
    expect(viewing.threads[THREAD]?.unread).toBe(2);
    expect(selectUnreadTotal({ ...viewing, viewing: null })).toBe(3);
  });
});

/** A socket stand-in: an emitter with a `connected` flag. */
class FakeSocket extends EventEmitter implements ChatSocket {
  connected = true;
  override on(event: string, fn: (...a: never[]) => void) {
    return super.on(event, fn as (...a: unknown[]) => void);
  }
  override off(event: string, fn: (...a: never[]) => void) {
    return super.off(event, fn as (...a: unknown[]) => void);
  }
}

describe('chat session', () => {
  beforeEach(() => chatActions.reset());

  it('binds to the socket, loads threads and room history, forgets the room on leaving', async () => {
    const socket = new FakeSocket();
    let room: string | null = null;
    let onChange = () => {};
    const history: string[] = [];
    const session = new ChatSession<FakeSocket>({
      socket: () => socket,
      myRoomId: () => room,
      floorLoaded: () => true,
      subscribe: (fn) => {
        onChange = fn;
        return () => {};
      },
      listThreads: async () => [thread({ unread: 1 })],
      history: async (_s, to) => {
        history.push(to.kind === 'room' ? to.roomId : to.threadId);
        return [msg(T1)];
      },
    });
    await Promise.resolve();
    expect(useChatStore.getState().threads[THREAD]?.unread).toBe(1);

    room = ROOM;
    onChange();
    await new Promise((r) => setTimeout(r));
    expect(history).toEqual([ROOM]);
    socket.emit('chat:message', msg(T2));
    expect(selectMessages(ROOM)(useChatStore.getState())).toHaveLength(2);

    room = null;
    onChange();
    expect(useChatStore.getState().messages[ROOM]).toBeUndefined();

    session.close();
    expect(socket.eventNames()).toEqual([]);
    socket.emit('thread:updated', thread({ unread: 5 }));
    expect(useChatStore.getState().threads).toEqual({});
  });

  it('a thread list or room history that fails to load is marked failed, and a retry that works clears it', async () => {
    const socket = new FakeSocket();
    let failing = true;
    const session = new ChatSession<FakeSocket>({
      socket: () => socket,
      myRoomId: () => ROOM,
      floorLoaded: () => true,
      subscribe: () => () => {},
      listThreads: async () => {
        if (failing) throw new Error('TIMEOUT');
        return [thread({ unread: 1 })];
      },
      history: async () => {
        if (failing) throw new Error('TIMEOUT');
        return [msg(T1)];
      },
    });
    await expect.poll(() => useChatStore.getState().failed).toEqual({ [THREAD_LIST]: true, [ROOM]: true });
    expect(useChatStore.getState().threadsLoaded).toBe(false);

    failing = false;
    session.retry();
    await expect.poll(() => useChatStore.getState().failed).toEqual({});
    expect(useChatStore.getState().threadsLoaded).toBe(true);
    expect(selectMessages(ROOM)(useChatStore.getState())).toHaveLength(1);
    session.close();
  });
});
