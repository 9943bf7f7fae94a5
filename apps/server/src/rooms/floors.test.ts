import { randomUUID } from 'node:crypto';
import type { PersonRef } from '@tsudoi/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_GRACE_MS, PresenceTracker } from '../presence/presenceTracker.js';
import { Floors } from './floors.js';
import { MemoryRoomRepo } from './memoryRoomRepo.js';
import type { RoomEmptyEvent } from './roomEvents.js';

const person = (displayName: string): PersonRef => ({ userId: randomUUID(), displayName });

describe('Floors with presence', () => {
  const ws = randomUUID();
  const [alice, bob] = [person('Alice'), person('Bob')];
  let presence: PresenceTracker;
  let floors: Floors;
  let repo: MemoryRoomRepo;
  let empties: RoomEmptyEvent[];

  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-11-27T09:00:00Z') });
    presence = new PresenceTracker();
    repo = new MemoryRoomRepo();
    floors = new Floors({ repo, presence });
    empties = [];
    floors.on('roomEmpty', (e) => empties.push(e));
  });
  afterEach(() => {
    floors.close();
    presence.close();
    vi.useRealTimers();
  });

  it('keeps a reloading person in their room', async () => {
    const { floor } = await floors.get(ws);
    const room = await floor.createRoom({ name: 'Lounge' });
    presence.connect(ws, alice, 'tab-1');
    floor.join(alice, room.id);
    presence.disconnect(ws, alice.userId, 'tab-1'); // reload: the old socket closes…
    vi.advanceTimersByTime(3_000);
    presence.connect(ws, alice, 'tab-1-reloaded'); // …and the new one arrives
    vi.advanceTimersByTime(DEFAULT_GRACE_MS * 2);
    expect(floor.roomOf(alice.userId)).toBe(room);
    expect(empties).toEqual([]);
  });

  it('removes a person after the grace period once all their tabs are closed; roomEmpty fires once', async () => {
    const { floor } = await floors.get(ws);
    const room = await floor.createRoom({ name: 'Lounge' });
    presence.connect(ws, alice, 'tab-1');
    presence.connect(ws, alice, 'tab-2');
    floor.join(alice, room.id);
    floor.join(alice, room.id); // the second tab drops in too: still one person
    expect(room.size).toBe(1);
    presence.disconnect(ws, alice.userId, 'tab-1');
    presence.disconnect(ws, alice.userId, 'tab-2');
    vi.advanceTimersByTime(DEFAULT_GRACE_MS - 1);
    expect(room.has(alice.userId)).toBe(true);
    vi.advanceTimersByTime(1);
    expect(room.has(alice.userId)).toBe(false);
    expect(empties).toMatchObject([{ workspaceId: ws, roomId: room.id, reason: 'gracePeriodEnded' }]);
    expect(() => floor.leave(alice.userId, room.id)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    vi.advanceTimersByTime(DEFAULT_GRACE_MS * 2);
    expect(empties).toHaveLength(1);
  });

  it('cancels a pending 1on1 invitation when the inviter goes offline', async () => {
    const { invitations } = await floors.get(ws);
    presence.connect(ws, alice, 'a');
    presence.connect(ws, bob, 'b');
    const answered = vi.fn();
    floors.on('inviteAnswered', answered);
    const inv = await invitations.invite(alice, bob.userId);
    presence.signOut(ws, alice.userId);
    expect(answered).toHaveBeenCalledWith(expect.objectContaining({ id: inv.id, state: 'cancelled' }));
  });

  it('loads each workspace once and keeps workspaces apart', async () => {
    const other = randomUUID();
    const [a1, a2] = await Promise.all([floors.get(ws), floors.get(ws)]);
    expect(a1).toBe(a2);
    const theirs = await (await floors.get(other)).floor.createRoom({ name: 'Theirs' });
    expect(() => a1.floor.join(alice, theirs.id)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(floors.peek(randomUUID())).toBeUndefined();
  });

  it('builds a snapshot with rooms, people inside and every member’s presence', async () => {
    await repo.create({
      id: randomUUID(),
      workspaceId: ws,
      name: 'Stored',
      capacity: 8,
      archived: false,
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    const { floor } = await floors.get(ws);
    const [stored] = floor.rooms;
    presence.connect(ws, alice, 'a');
    presence.setStatus(ws, alice.userId, { state: 'focused' });
    floor.join(alice, stored!.id, { listenOnly: true });
    const snap = await floors.snapshot(ws, [alice, bob]);
    expect(snap).toMatchObject({
      workspaceId: ws,
      rooms: [{ name: 'Stored', capacity: 8, participants: [{ userId: alice.userId, listenOnly: true }] }],
      members: [
        { userId: alice.userId, online: true, status: { state: 'focused' } },
        { userId: bob.userId, online: false, status: { state: 'available' } },
      ],
      serverTime: '2026-11-27T09:00:00.000Z',
    });
  });

  it('forwards floor events with their workspace', async () => {
    const updated = vi.fn();
    floors.on('roomUpdated', updated);
    const { floor } = await floors.get(ws);
    await floor.createRoom({ name: 'New' });
    expect(updated).toHaveBeenCalledWith(ws, expect.objectContaining({ name: 'New', participants: [] }));
  });

  it('closes idempotently and stops every timer', async () => {
    const { invitations } = await floors.get(ws);
    presence.connect(ws, alice, 'a');
    presence.connect(ws, bob, 'b');
    invitations.invite(alice, bob.userId);
    floors.close();
    floors.close();
    presence.close();
    expect(vi.getTimerCount()).toBe(0);
    await expect(floors.get(ws)).rejects.toThrow(/closed/);
  });
});
