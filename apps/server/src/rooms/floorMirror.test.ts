import { randomUUID } from 'node:crypto';
import type { FloorChanged } from '@tsudoi/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import { Floor, type SharedRoomState } from './floor.js';
import { MemoryRoomRepo } from './memoryRoomRepo.js';
import type { RoomEmptyEvent, RoomPresenceEvent } from './roomEvents.js';

/** Several nodes: a node's Floor mirrors the shared floor (applyShared, applyDefinition, closeMirror). */
const clock = () => new Date('2026-12-02T09:00:00Z');
const person = (userId: string, listenOnly = false) => ({
  userId,
  displayName: userId,
  listenOnly,
  since: '2026-12-02T08:00:00.000Z',
});
const state = (id: string, ...people: ReturnType<typeof person>[]): SharedRoomState => ({ id, people });

describe('Floor as a mirror of the shared floor', () => {
  let floor: Floor;
  let empties: RoomEmptyEvent[];
  let joined: RoomPresenceEvent[];
  let left: Array<RoomPresenceEvent & { reason: string }>;
  let changes: FloorChanged[];
  let lounge: string;
  let focus: string;

  beforeEach(async () => {
    floor = new Floor(randomUUID(), { repo: new MemoryRoomRepo(), clock });
    lounge = (await floor.createRoom({ name: 'Lounge', capacity: 1 })).id;
    focus = (await floor.createRoom({ name: 'Focus' })).id;
    empties = [];
    joined = [];
    left = [];
    changes = [];
    floor.on('roomEmpty', (e) => empties.push(e));
    floor.on('participantJoined', (e) => joined.push(e));
    floor.on('participantLeft', (e) => left.push(e));
    floor.on('changed', (_ws, c) => changes.push(c));
  });

  it("shows another node's people as the shared floor says, marked remote, keeping when they entered", () => {
    floor.applyShared([state(lounge, person('u1'))], {}, true);
    const inside = floor.room(lounge).participants.get('u1');
    expect(inside?.since.toISOString()).toBe('2026-12-02T08:00:00.000Z');
    expect(joined).toEqual([expect.objectContaining({ userId: 'u1', remote: true })]);
    // The capacity was checked by the shared store; a second person there is shown as it says.
    floor.applyShared([state(lounge, person('u1'), person('u2'))], {}, true);
    expect(floor.room(lounge).size).toBe(2);
    expect(floor.roomOf('u2')?.id).toBe(lounge);
  });

  it('a change made by this node is not remote (its access log and purge run here)', () => {
    floor.applyShared([state(lounge, person('u1'))], {}, false);
    floor.applyShared([state(lounge)], { u1: 'left' }, false);
    expect(joined[0]?.remote).toBeUndefined();
    expect(left).toEqual([expect.objectContaining({ userId: 'u1', reason: 'left' })]);
    expect(left[0]?.remote).toBeUndefined();
    expect(empties).toEqual([expect.objectContaining({ roomId: lounge, lastUserId: 'u1' })]);
    expect(empties[0]?.remote).toBeUndefined();
  });

  it('a room whose people change but stay never looks empty (no purge), and a move is one change', () => {
    floor.applyShared([state(lounge, person('u1'))], {}, true);
    changes.length = 0;
    // u1 left on one node while u2 entered on another: the newest state has only u2.
    floor.applyShared([state(lounge, person('u2'))], { u1: 'left' }, false);
    expect(empties).toEqual([]);
    expect([...floor.room(lounge).participants.keys()]).toEqual(['u2']);
    floor.applyShared([state(focus, person('u2')), state(lounge)], { u2: 'moved' }, false);
    expect(floor.roomOf('u2')?.id).toBe(focus);
    expect(
      changes
        .at(-1)
        ?.rooms.map((r) => r.id)
        .sort(),
    ).toEqual([lounge, focus].sort());
    expect(changes).toHaveLength(2);
    expect(empties).toEqual([expect.objectContaining({ roomId: lounge, reason: 'moved' })]);
  });

  it('keeps each person in one room even when the event names only the room they went to', () => {
    floor.applyShared([state(lounge, person('u1'))], {}, true);
    floor.applyShared([state(focus, person('u1'))], {}, true);
    expect(floor.room(lounge).size).toBe(0);
    expect(floor.roomOf('u1')?.id).toBe(focus);
    expect(left).toEqual([expect.objectContaining({ roomId: lounge, reason: 'moved', remote: true })]);
  });

  it('follows listen-only switches, ignores unknown rooms', () => {
    floor.applyShared([state(lounge, person('u1'))], {}, true);
    floor.applyShared([state(lounge, person('u1', true)), state('not-a-room', person('u9'))], {}, true);
    expect(floor.room(lounge).participants.get('u1')?.listenOnly).toBe(true);
    expect(floor.roomOf('u9')).toBeUndefined();
  });

  it("mirrors another node's room definitions; an archived room's people leave with 'archived'", () => {
    const id = randomUUID();
    const record = {
      id,
      workspaceId: floor.workspaceId,
      name: 'Made on B',
      capacity: 3,
      archived: false,
      createdAt: '',
    };
    floor.applyDefinition(record);
    expect(floor.room(id)).toMatchObject({ name: 'Made on B', capacity: 3, archived: false });
    floor.applyShared([state(id, person('u1'))], {}, true);
    floor.applyDefinition({ ...record, name: 'Renamed on B', archived: true });
    expect(floor.room(id)).toMatchObject({ name: 'Renamed on B', archived: true });
    expect(left).toEqual([expect.objectContaining({ userId: 'u1', reason: 'archived', remote: true })]);
    expect(empties[0]?.remote).toBe(true);
    // Another workspace's definition is not taken.
    floor.applyDefinition({ ...record, id: randomUUID(), workspaceId: randomUUID() });
    expect(floor.rooms).toHaveLength(3);
  });

  it('shows a 1on1 room another node opened, extends its guest list, and never brings a closed one back', () => {
    const id = randomUUID();
    const def = { id, workspaceId: floor.workspaceId, name: 'u1 & u2', guestList: ['u1', 'u2'] };
    floor.applyPrivateDefinition(def);
    floor.applyShared([state(id, person('u1'), person('u2'))], {}, true);
    expect(floor.room(id)).toMatchObject({ kind: 'oneOnOne', isPrivate: true, size: 2 });
    expect(floor.room(id).refusalFor('u3')).toBe('private');
    floor.applyPrivateDefinition({ ...def, guestList: ['u1', 'u2', 'u3'] });
    expect(floor.room(id).refusalFor('u3')).toBeNull();
    // Both leave: the room closes here; the same definition arriving late (from the stream) is ignored.
    floor.applyShared([state(id)], { u1: 'left', u2: 'left' }, true);
    expect(() => floor.room(id)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    floor.applyPrivateDefinition(def);
    expect(floor.rooms.some((r) => r.id === id)).toBe(false);
    // Another workspace's definition is not taken.
    floor.applyPrivateDefinition({ ...def, id: randomUUID(), workspaceId: randomUUID() });
    expect(floor.rooms.filter((r) => r.kind === 'oneOnOne')).toHaveLength(0);
  });

  it('closing a mirror empties rooms as remote (no purge here: the other nodes still hold the floor)', () => {
    floor.applyShared([state(lounge, person('u1'))], {}, false);
    floor.closeMirror();
    expect(empties).toEqual([
      expect.objectContaining({ roomId: lounge, reason: 'roomClosed', remote: true }),
    ]);
  });

  it('closing a one-node floor empties rooms as its own (the purge runs)', () => {
    floor.applyShared([state(lounge, person('u1'))], {}, false);
    floor.close();
    expect(empties).toEqual([expect.objectContaining({ roomId: lounge, reason: 'roomClosed' })]);
    expect(empties[0]?.remote).toBeUndefined();
  });
});
