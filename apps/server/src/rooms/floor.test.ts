import { randomUUID } from 'node:crypto';
import type { FloorChanged, PersonRef } from '@tsudoi/protocol';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Floor } from './floor.js';
import { MemoryRoomRepo } from './memoryRoomRepo.js';
import type { RoomEmptyEvent } from './roomEvents.js';

const clock = () => new Date('2026-11-27T09:00:00Z');
const person = (displayName: string): PersonRef => ({ userId: randomUUID(), displayName });

describe('Floor', () => {
  let repo: MemoryRoomRepo;
  let floor: Floor;
  let empties: RoomEmptyEvent[];
  const [alice, bob, carol] = [person('Alice'), person('Bob'), person('Carol')];

  beforeEach(() => {
    repo = new MemoryRoomRepo();
    floor = new Floor(randomUUID(), { repo, clock });
    empties = [];
    floor.on('roomEmpty', (e) => empties.push(e));
  });

  it('creates rooms in the store and loads them back for the same workspace only', async () => {
    let t = Date.parse('2026-11-27T09:00:00Z');
    const ticking = new Floor(floor.workspaceId, { repo, clock: () => new Date(t++) });
    const a = await ticking.createRoom({ name: 'Lounge', capacity: 4 });
    await ticking.createRoom({ name: 'Focus' });
    expect(await repo.get(floor.workspaceId, a.id)).toMatchObject({ name: 'Lounge', capacity: 4 });
    const reloaded = await Floor.load(floor.workspaceId, { repo, clock });
    expect(reloaded.rooms.map((r) => r.name)).toEqual(['Lounge', 'Focus']);
    expect((await Floor.load(randomUUID(), { repo, clock })).rooms).toEqual([]);
  });

  it('treats a double join as a no-op success', async () => {
    const room = await floor.createRoom({ name: 'Lounge' });
    const joined = vi.fn();
    floor.on('participantJoined', joined);
    expect(floor.join(alice, room.id).entered).toBe(true);
    expect(floor.join(alice, room.id)).toMatchObject({ room, entered: false, from: undefined });
    expect(room.size).toBe(1);
    expect(joined).toHaveBeenCalledTimes(1);
  });

  it('refuses to leave a room you are not in, with a clear code', async () => {
    const room = await floor.createRoom({ name: 'Lounge' });
    expect(() => floor.leave(alice.userId, room.id)).toThrow(
      expect.objectContaining({ code: 'CONFLICT', message: 'You are not in that room.' }),
    );
    floor.join(alice, room.id);
    floor.leave(alice.userId, room.id);
    expect(() => floor.leave(alice.userId, room.id)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(empties).toHaveLength(1);
  });

  it('refuses a full room and leaves the person where they were', async () => {
    const lounge = await floor.createRoom({ name: 'Lounge' });
    const booth = await floor.createRoom({ name: 'Booth', capacity: 1 });
    floor.join(alice, booth.id);
    floor.join(bob, lounge.id);
    expect(() => floor.join(bob, booth.id)).toThrow(
      expect.objectContaining({ code: 'CONFLICT', message: expect.stringMatching(/full/) }),
    );
    expect(floor.roomOf(bob.userId)).toBe(lounge);
    expect(lounge.has(bob.userId)).toBe(true);
    expect(empties).toEqual([]);
  });

  it('refuses to enter an archived room, and archiving moves people out', async () => {
    const room = await floor.createRoom({ name: 'Old' });
    floor.join(alice, room.id);
    await floor.archiveRoom(room.id);
    expect(floor.roomOf(alice.userId)).toBeUndefined();
    expect(empties).toMatchObject([{ roomId: room.id, lastUserId: alice.userId, reason: 'archived' }]);
    expect(() => floor.join(alice, room.id)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(() => floor.join(bob, room.id)).toThrow(/archived/);
    expect((await repo.get(floor.workspaceId, room.id))?.archived).toBe(true);
  });

  it('refuses room ids of another workspace as not found', async () => {
    const other = new Floor(randomUUID(), { repo, clock });
    const theirs = await other.createRoom({ name: 'Theirs' });
    const notFound = expect.objectContaining({ code: 'NOT_FOUND' });
    expect(() => floor.join(alice, theirs.id)).toThrow(notFound);
    expect(() => floor.leave(alice.userId, theirs.id)).toThrow(notFound);
    await expect(floor.renameRoom(theirs.id, 'Mine')).rejects.toThrow(notFound);
    await expect(floor.archiveRoom(theirs.id)).rejects.toThrow(notFound);
    expect(theirs.name).toBe('Theirs');
    expect(theirs.archived).toBe(false);
  });

  it('moves A → B without ever showing someone in both, and fires roomEmpty for A when last', async () => {
    const a = await floor.createRoom({ name: 'A' });
    const b = await floor.createRoom({ name: 'B' });
    floor.join(alice, a.id);
    const seenInBoth: string[] = [];
    const check = () => {
      if (a.has(alice.userId) && b.has(alice.userId)) seenInBoth.push('both');
    };
    floor.on('roomUpdated', check);
    floor.on('participantJoined', check);
    floor.on('participantLeft', check);
    floor.on('roomEmpty', check);
    const result = floor.join(alice, b.id, { listenOnly: true });
    expect(result.from).toBe(a);
    expect(seenInBoth).toEqual([]);
    expect(a.has(alice.userId)).toBe(false);
    expect(floor.roomOf(alice.userId)).toBe(b);
    expect(empties).toMatchObject([{ roomId: a.id, lastUserId: alice.userId, reason: 'moved' }]);
    expect(b.participants.get(alice.userId)?.listenOnly).toBe(true);
  });

  it('sums up a move A → B as one change with both rooms, and a 1on1 opening as one change', async () => {
    const a = await floor.createRoom({ name: 'A' });
    const b = await floor.createRoom({ name: 'B' });
    floor.join(alice, a.id);
    const changes: FloorChanged[] = [];
    floor.on('changed', (_ws, change) => changes.push(change));
    floor.join(alice, b.id);
    expect(changes).toHaveLength(1);
    const where = (c: FloorChanged, id: string) => c.rooms.find((r) => r.id === id)?.participants;
    expect(where(changes[0]!, a.id)).toEqual([]);
    expect(where(changes[0]!, b.id)).toMatchObject([{ userId: alice.userId }]);

    changes.length = 0;
    floor.join(bob, a.id);
    expect(changes).toHaveLength(1); // nobody moved out of anywhere: one room's change
    changes.length = 0;
    const room = floor.openPrivateRoom([alice, bob]);
    expect(changes).toHaveLength(1);
    expect(changes[0]!.rooms.map((r) => r.id).sort()).toEqual([a.id, b.id, room.id].sort());

    // The 1on1 empties as its last person moves out: it is gone in the same change.
    floor.join(alice, a.id);
    changes.length = 0;
    floor.join(bob, b.id);
    expect(changes).toEqual([{ rooms: [expect.objectContaining({ id: b.id })], removedRoomIds: [room.id] }]);
  });

  it('does not fire roomEmpty for A when others stay behind', async () => {
    const a = await floor.createRoom({ name: 'A' });
    const b = await floor.createRoom({ name: 'B' });
    floor.join(alice, a.id);
    floor.join(bob, a.id);
    floor.join(alice, b.id);
    expect(empties).toEqual([]);
    expect([...a.participants.keys()]).toEqual([bob.userId]);
  });

  it('fires roomEmpty exactly once when a room is closed while a leave races it', async () => {
    const room = await floor.createRoom({ name: 'A' });
    floor.join(alice, room.id);
    room.close('floorClosed');
    expect(() => floor.leave(alice.userId, room.id)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(floor.leaveCurrent(alice.userId, 'gracePeriodEnded')).toBeUndefined();
    expect(empties).toHaveLength(1);
    expect(floor.rooms).toEqual([]);
  });

  it('switches listen-only by joining again with the flag', async () => {
    const room = await floor.createRoom({ name: 'A' });
    floor.join(alice, room.id);
    const updates = vi.fn();
    floor.on('roomUpdated', updates);
    floor.join(alice, room.id, { listenOnly: true });
    expect(room.toSummary().participants).toMatchObject([{ userId: alice.userId, listenOnly: true }]);
    expect(updates).toHaveBeenCalledTimes(1);
  });

  it('renames rooms in the store and on the floor', async () => {
    const room = await floor.createRoom({ name: 'A' });
    const updates = vi.fn();
    floor.on('roomUpdated', updates);
    await floor.renameRoom(room.id, 'Kitchen');
    expect(room.name).toBe('Kitchen');
    expect((await repo.get(floor.workspaceId, room.id))?.name).toBe('Kitchen');
    expect(updates).toHaveBeenCalledWith(floor.workspaceId, expect.objectContaining({ name: 'Kitchen' }));
  });

  it('opens a private room for two, moves both in, and removes it once it empties', async () => {
    const lounge = await floor.createRoom({ name: 'Lounge' });
    floor.join(alice, lounge.id);
    const removed = vi.fn();
    floor.on('roomRemoved', removed);
    const room = floor.openPrivateRoom([alice, bob]);
    expect(room.kind).toBe('oneOnOne');
    expect(floor.roomOf(alice.userId)).toBe(room);
    expect(floor.roomOf(bob.userId)).toBe(room);
    expect(() => floor.join(carol, room.id)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    await expect(floor.renameRoom(room.id, 'x')).rejects.toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    floor.leave(alice.userId, room.id);
    floor.join(bob, lounge.id);
    expect(empties.map((e) => e.roomId)).toEqual([lounge.id, room.id]);
    expect(removed).toHaveBeenCalledWith(floor.workspaceId, room.id);
    expect(floor.rooms).toEqual([lounge]);
  });

  it('closes idempotently: occupied rooms empty once, then the floor refuses work', async () => {
    const room = await floor.createRoom({ name: 'A' });
    floor.join(alice, room.id);
    floor.close();
    floor.close();
    expect(empties).toHaveLength(1);
    expect(room.closed).toBe(true);
    expect(() => floor.join(alice, room.id)).toThrow(expect.objectContaining({ code: 'UNAVAILABLE' }));
  });
});
