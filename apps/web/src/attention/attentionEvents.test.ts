import type { ChatMessageView, OneOnOneInvitation, RoomSummary, ThreadView } from '@tsudoi/protocol';
import { describe, expect, it } from 'vitest';
import { type ChatState, emptyChat } from '../state/chatStore';
import { emptyFloor, type FloorState } from '../state/floorModel';
import { chatEvents, floorEvents, pendingKeys } from './attentionEvents';

const ME = '00000000-0000-4000-8000-000000000001';
const ALICE = '00000000-0000-4000-8000-000000000002';
const BOB = '00000000-0000-4000-8000-000000000003';
const WS = '00000000-0000-4000-8000-0000000000aa';
const ROOM = '00000000-0000-4000-8000-0000000000b1';
const OTHER = '00000000-0000-4000-8000-0000000000b2';
const T0 = '2026-12-01T10:00:00.000Z';

const person = (userId: string, name: string, since = T0) => ({
  userId,
  displayName: name,
  listenOnly: false,
  since,
});
const room = (id: string, name: string, people: ReturnType<typeof person>[]): RoomSummary => ({
  id,
  name,
  kind: 'open',
  capacity: null,
  archived: false,
  participants: people,
});
const floor = (rooms: RoomSummary[], extra: Partial<FloorState> = {}): FloorState => ({
  ...emptyFloor(WS, ME),
  loaded: true,
  rooms: Object.fromEntries(rooms.map((r) => [r.id, r])),
  ...extra,
});
const invitation = (inviteId: string): OneOnOneInvitation => ({
  inviteId,
  from: { userId: ALICE, displayName: 'Alice' },
  to: { userId: ME, displayName: 'Me' },
  expiresAt: T0,
});

describe('floorEvents', () => {
  it('reports a new 1on1 invitation once, not again when it is re-sent or answered', () => {
    const a = floor([]);
    const b = { ...a, invitations: [invitation(ALICE)] };
    expect(floorEvents(a, b)).toMatchObject([{ kind: 'oneOnOne', key: `oneOnOne:${ALICE}` }]);
    expect(floorEvents(b, { ...b })).toEqual([]);
    expect(floorEvents(b, a)).toEqual([]);
  });

  it('reports a knock on my room with the room’s name', () => {
    const a = floor([room(ROOM, 'Lounge', [person(ME, 'Me')])]);
    const knock = { knockId: BOB, roomId: ROOM, from: { userId: BOB, displayName: 'Bob' }, expiresAt: T0 };
    expect(floorEvents(a, { ...a, knocks: [knock] })).toMatchObject([{ kind: 'knock', roomName: 'Lounge' }]);
  });

  it('reports someone entering the room I am in, not the people already there when I enter', () => {
    const alone = floor([room(ROOM, 'Lounge', [person(ME, 'Me')])]);
    const joined = floor([room(ROOM, 'Lounge', [person(ME, 'Me'), person(ALICE, 'Alice')])]);
    expect(floorEvents(alone, joined)).toMatchObject([
      { kind: 'roomEntry', person: { userId: ALICE, displayName: 'Alice' }, roomName: 'Lounge' },
    ]);
    // I walk into a room where Alice already is.
    const outside = floor([room(ROOM, 'Lounge', [person(ALICE, 'Alice')])]);
    expect(floorEvents(outside, joined)).toEqual([]);
    // I switch rooms: nobody "entered".
    const elsewhere = floor([
      room(OTHER, 'Desk', [person(ME, 'Me')]),
      room(ROOM, 'Lounge', [person(ALICE, 'Alice')]),
    ]);
    expect(floorEvents(elsewhere, joined)).toEqual([]);
    // Someone entering a room I am not in is no news for me.
    const notMine = floor([room(OTHER, 'Desk', [person(BOB, 'Bob')])]);
    const notMine2 = floor([room(OTHER, 'Desk', [person(BOB, 'Bob'), person(ALICE, 'Alice')])]);
    expect(floorEvents(notMine, notMine2)).toEqual([]);
    // The first snapshot of a page is no news either.
    expect(floorEvents({ ...alone, loaded: false }, joined)).toEqual([]);
  });

  it('ignores a switch to another workspace', () => {
    const a = { ...floor([]), workspaceId: OTHER };
    expect(floorEvents(a, { ...floor([]), invitations: [invitation(ALICE)] })).toEqual([]);
  });

  it('lists the keys of what still waits', () => {
    expect([...pendingKeys({ ...floor([]), invitations: [invitation(ALICE)] })]).toEqual([
      `oneOnOne:${ALICE}`,
    ]);
  });
});

const thread = (unread: number, at = T0): ThreadView => ({
  id: ROOM,
  type: 'direct',
  members: [
    { userId: ME, displayName: 'Me' },
    { userId: ALICE, displayName: 'Alice' },
  ],
  lastMessageAt: at,
  unread,
});
const message = (id: string, from: string, name: string, text: string): ChatMessageView => ({
  id,
  conversationId: ROOM,
  kind: 'thread',
  sender: { userId: from, displayName: name },
  text,
  sentAt: T0,
});
const chat = (threads: ThreadView[], messages: ChatMessageView[] = [], loaded = true): ChatState => ({
  ...emptyChat(),
  threadsLoaded: loaded,
  threads: Object.fromEntries(threads.map((t) => [t.id, t])),
  messages: messages.length ? { [ROOM]: messages } : {},
});

describe('chatEvents', () => {
  it('reports a message from someone else, with its sender and text', () => {
    const before = chat([thread(0)]);
    const after = chat(
      [thread(1, '2026-12-01T10:01:00.000Z')],
      [message('m1', ALICE, 'Alice', 'ランチ行きますか?')],
    );
    expect(chatEvents(before, after, ME)).toMatchObject([
      { kind: 'directMessage', from: { displayName: 'Alice' }, text: 'ランチ行きますか?', onScreen: false },
    ]);
    expect(chatEvents(before, { ...after, viewing: ROOM }, ME)).toMatchObject([
      { kind: 'directMessage', onScreen: true },
    ]);
  });

  it('reports a brand-new thread, falling back to its other member when the text has not arrived', () => {
    expect(chatEvents(chat([]), chat([thread(1)]), ME)).toMatchObject([
      { kind: 'directMessage', from: { userId: ALICE }, text: undefined },
    ]);
  });

  it('stays quiet for my own messages, for reading, and for the first thread list of a connection', () => {
    expect(chatEvents(chat([thread(0)]), chat([thread(0, 'later')]), ME)).toEqual([]);
    expect(chatEvents(chat([thread(3)]), chat([thread(0)]), ME)).toEqual([]);
    expect(chatEvents(chat([], [], false), chat([thread(4)]), ME)).toEqual([]);
  });
});
