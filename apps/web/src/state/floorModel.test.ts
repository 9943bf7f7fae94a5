import type { MemberPresence, ParticipantView, RoomSummary } from '@tsudoi/protocol';
import { describe, expect, it } from 'vitest';
import {
  applyChanged,
  applyInviteAnswered,
  applyInvited,
  applyInviteSent,
  applyKnockAnswered,
  applyKnockRequested,
  applyKnockSent,
  applyPresence,
  applyRoomRemoved,
  applyRoomUpdated,
  applySnapshot,
  emptyFloor,
  entryFor,
  type FloorState,
  roomOf,
  selectMembers,
  selectMyRoom,
  selectRooms,
} from './floorModel';

const WS = '00000000-0000-4000-8000-000000000000';
const ME = '00000000-0000-4000-8000-0000000000a1';
const BOB = '00000000-0000-4000-8000-0000000000b2';
const CAROL = '00000000-0000-4000-8000-0000000000c3';
const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const T = '2030-01-01T00:00:00.000Z';

const person = (userId: string, listenOnly = false): ParticipantView => ({
  userId,
  displayName: userId.slice(-2),
  listenOnly,
  since: T,
});
const room = (
  id: string,
  name: string,
  people: string[] = [],
  extra: Partial<RoomSummary> = {},
): RoomSummary => ({
  id,
  name,
  kind: 'open',
  capacity: null,
  archived: false,
  participants: people.map((p) => person(p)),
  ...extra,
});
const member = (userId: string, online = true, name = userId.slice(-2)): MemberPresence => ({
  userId,
  displayName: name,
  online,
  status: { state: 'available' },
});

const loaded = (rooms: RoomSummary[] = [room(A, 'Alpha'), room(B, 'Beta')]): FloorState =>
  applySnapshot(emptyFloor(WS, ME), {
    workspaceId: WS,
    rooms,
    members: [member(ME), member(BOB), member(CAROL, false)],
    serverTime: T,
  });

describe('floor model', () => {
  it('a snapshot replaces rooms and members and drops archived rooms', () => {
    let s = loaded([room(A, 'Alpha', [BOB]), room(B, 'Beta', [], { archived: true })]);
    expect(s.loaded).toBe(true);
    expect(Object.keys(s.rooms)).toEqual([A]);
    expect(roomOf(s, BOB)?.id).toBe(A);
    // A reconnect's snapshot heals whatever was missed.
    s = applySnapshot(s, { workspaceId: WS, rooms: [room(B, 'Beta')], members: [], serverTime: T });
    expect(Object.keys(s.rooms)).toEqual([B]);
    expect(s.members).toEqual({});
  });

  it('ignores a snapshot of another workspace', () => {
    const s = loaded();
    const other = '00000000-0000-4000-8000-0000000000ff';
    expect(applySnapshot(s, { workspaceId: other, rooms: [], members: [], serverTime: T })).toBe(s);
  });

  it('moving from A to B shows the person in B only', () => {
    let s = loaded([room(A, 'Alpha', [ME]), room(B, 'Beta')]);
    expect(selectMyRoom(s)?.id).toBe(A);
    // The server sends A (left) then B (entered); the reverse order must not leave a double either.
    s = applyRoomUpdated(s, room(B, 'Beta', [ME]));
    s = applyRoomUpdated(s, room(A, 'Alpha'));
    expect(selectMyRoom(s)?.id).toBe(B);
    expect(s.rooms[A]?.participants).toEqual([]);
  });

  it('a move arrives as one change: B gains the person as A loses them, a 1on1 that emptied goes', () => {
    const ONE = '00000000-0000-4000-8000-0000000000e1';
    let s = loaded([room(A, 'Alpha', [BOB]), room(B, 'Beta'), room(ONE, 'Me & Bob', [ME])]);
    s = applyChanged(s, { rooms: [room(A, 'Alpha'), room(B, 'Beta', [BOB])], removedRoomIds: [] });
    expect(roomOf(s, BOB)?.id).toBe(B);
    expect(s.rooms[A]?.participants).toEqual([]);
    s = applyChanged(s, { rooms: [room(A, 'Alpha', [ME])], removedRoomIds: [ONE] });
    expect(selectMyRoom(s)?.id).toBe(A);
    expect(s.rooms[ONE]).toBeUndefined();
    s = applyChanged(s, { rooms: [room(B, 'Beta', [], { archived: true })], removedRoomIds: [] });
    expect(s.rooms[B]).toBeUndefined();
  });

  it('a gathered push from a busy floor applies its rooms and the people whose presence changed', () => {
    let s = loaded([room(A, 'Alpha'), room(B, 'Beta')]);
    s = applyChanged(s, {
      rooms: [room(A, 'Alpha', [BOB])],
      removedRoomIds: [B],
      presence: [member(BOB, false), member(CAROL)],
    });
    expect(roomOf(s, BOB)?.id).toBe(A);
    expect(s.rooms[B]).toBeUndefined();
    expect(s.members[BOB]?.online).toBe(false);
    expect(s.members[CAROL]?.online).toBe(true);
    // Without presence the members stay as they were.
    const before = s.members;
    expect(applyChanged(s, { rooms: [], removedRoomIds: [] }).members).toBe(before);
  });

  it("a big room's participant changes: who left goes, who entered joins last, who changed is replaced in place", () => {
    let s = loaded([room(A, 'Alpha', [BOB, CAROL]), room(B, 'Beta')]);
    s = applyChanged(s, {
      rooms: [],
      removedRoomIds: [],
      participants: [
        { roomId: A, upsert: [person(ME), { ...person(CAROL), listenOnly: true }], remove: [BOB] },
        // A change for a room this page does not have is ignored (its next snapshot has it).
        { roomId: '00000000-0000-4000-8000-0000000000ff', upsert: [person(BOB)], remove: [] },
      ],
    });
    expect(s.rooms[A]?.participants.map((p) => [p.userId, p.listenOnly])).toEqual([
      [CAROL, true],
      [ME, false],
    ]);
    expect(selectMyRoom(s)?.id).toBe(A);
    expect(roomOf(s, BOB)).toBeUndefined();
    expect(Object.keys(s.rooms).sort()).toEqual([A, B].sort());
    // Removing someone who is not there, or entering twice, changes nothing else.
    s = applyChanged(s, {
      rooms: [],
      removedRoomIds: [],
      participants: [{ roomId: A, upsert: [person(ME)], remove: [BOB] }],
    });
    expect(s.rooms[A]?.participants.map((p) => p.userId)).toEqual([CAROL, ME]);
  });

  it('an archived or removed room leaves the floor', () => {
    let s = loaded();
    s = applyRoomUpdated(s, room(A, 'Alpha', [], { archived: true }));
    expect(s.rooms[A]).toBeUndefined();
    s = applyRoomRemoved(s, B);
    expect(s.rooms).toEqual({});
    expect(applyRoomRemoved(s, B)).toBe(s);
  });

  it('presence is per person: a repeated event updates the one entry', () => {
    let s = loaded();
    s = applyPresence(s, { ...member(BOB), status: { state: 'focused', text: 'writing' } });
    s = applyPresence(s, { ...member(BOB), status: { state: 'focused', text: 'writing' } });
    expect(selectMembers(s).filter((m) => m.userId === BOB)).toHaveLength(1);
    expect(s.members[BOB]?.status).toEqual({ state: 'focused', text: 'writing' });
    s = applyPresence(s, member(BOB, false));
    expect(selectMembers(s).map((m) => m.online)).toEqual([true, false, false]);
  });

  it('sorts rooms by name with 1on1 rooms last, members online first', () => {
    const s = loaded([
      room(B, 'Zulu'),
      room(A, 'Alpha'),
      room('00000000-0000-4000-8000-00000000000c', 'Aa & Bb', [ME], { kind: 'oneOnOne' }),
    ]);
    expect(selectRooms(s).map((r) => r.name)).toEqual(['Alpha', 'Zulu', 'Aa & Bb']);
    expect(selectMembers(s).at(-1)?.userId).toBe(CAROL);
  });

  it('an invitation is listed once (re-sent after a reconnect) and leaves when answered', () => {
    const inv = {
      inviteId: '00000000-0000-4000-8000-000000000111',
      from: { userId: BOB, displayName: 'Bob' },
      to: { userId: ME, displayName: 'Me' },
      expiresAt: T,
    };
    let s = applyInvited(loaded(), inv);
    s = applyInvited(s, inv);
    expect(s.invitations).toHaveLength(1);
    s = applyInviteAnswered(s, { inviteId: inv.inviteId, outcome: 'expired' });
    expect(s.invitations).toEqual([]);
  });

  it('the inviter sees how their invitation ended', () => {
    const inv = {
      inviteId: '00000000-0000-4000-8000-000000000222',
      from: { userId: ME, displayName: 'Me' },
      to: { userId: BOB, displayName: 'Bob' },
      expiresAt: T,
    };
    let s = applyInviteSent(loaded(), inv);
    expect(s.outgoing?.outcome).toBeNull();
    s = applyInviteAnswered(s, { inviteId: 'other', outcome: 'accepted' } as never);
    expect(s.outgoing?.outcome).toBeNull();
    s = applyInviteAnswered(s, { inviteId: inv.inviteId, outcome: 'declined' });
    expect(s.outgoing?.outcome).toBe('declined');
  });

  it('knocks are kept for the room I am in, dropped when answered or when I leave it', () => {
    const knock = {
      knockId: '00000000-0000-4000-8000-000000000333',
      roomId: A,
      from: { userId: CAROL, displayName: 'Carol' },
      expiresAt: T,
    };
    let s = loaded([room(A, 'Alpha', [ME]), room(B, 'Beta')]);
    s = applyKnockRequested(s, knock);
    s = applyKnockRequested(s, knock);
    expect(s.knocks).toHaveLength(1);
    s = applyKnockAnswered(s, { knockId: knock.knockId, roomId: A, outcome: 'denied' });
    expect(s.knocks).toEqual([]);
    s = applyKnockRequested(s, knock);
    s = applyRoomUpdated(s, room(A, 'Alpha'));
    expect(s.knocks).toEqual([]);
    // Not inside: a stray knock is not mine to answer.
    expect(applyKnockRequested(s, knock).knocks).toEqual([]);
  });

  it('the knocker sees the outcome of their knock', () => {
    const knock = {
      knockId: '00000000-0000-4000-8000-000000000444',
      roomId: A,
      from: { userId: ME, displayName: 'Me' },
      expiresAt: T,
    };
    let s = applyKnockSent(loaded([room(A, 'Alpha', [BOB], { capacity: 1 })]), knock);
    s = applyKnockAnswered(s, { knockId: knock.knockId, roomId: A, outcome: 'admitted' });
    expect(s.myKnock?.outcome).toBe('admitted');
  });

  it('decides between dropping in and knocking', () => {
    expect(entryFor(room(A, 'Alpha', [BOB]), ME)).toBe('enter');
    expect(entryFor(room(A, 'Alpha', [ME]), ME)).toBe('inside');
    expect(entryFor(room(A, 'Alpha', [BOB], { capacity: 1 }), ME)).toBe('full');
    expect(entryFor(room(A, 'Bob & Carol', [BOB, CAROL], { kind: 'oneOnOne' }), ME)).toBe('knock');
  });
});
