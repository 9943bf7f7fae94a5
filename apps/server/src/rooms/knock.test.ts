import { randomUUID } from 'node:crypto';
import type { PersonRef } from '@tsudoi/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock, systemTimers } from '../timers.js';
import { Floor } from './floor.js';
import { DEFAULT_KNOCK_TTL_MS, type Knock, Knocks } from './knock.js';
import { MemoryRoomRepo } from './memoryRoomRepo.js';
import type { Room } from './room.js';

const person = (displayName: string): PersonRef => ({ userId: randomUUID(), displayName });

describe('Knocks', () => {
  const [alice, bob, carol] = [person('Alice'), person('Bob'), person('Carol')];
  let floor: Floor;
  let knocks: Knocks;
  let room: Room;
  let answered: Array<{ knock: Knock; to: string[] }>;

  beforeEach(async () => {
    vi.useFakeTimers();
    floor = new Floor(randomUUID(), { repo: new MemoryRoomRepo(), clock: systemClock });
    knocks = new Knocks({ floor, clock: systemClock, timers: systemTimers });
    room = await floor.createRoom({ name: 'Meeting', capacity: 2 });
    floor.join(alice, room.id);
    answered = [];
    knocks.on('answered', (knock, to) => answered.push({ knock: { ...knock }, to }));
  });
  afterEach(() => {
    knocks.close();
    floor.close();
    vi.useRealTimers();
  });

  it('asks the people inside, and admitting moves the knocker in', async () => {
    const lounge = await floor.createRoom({ name: 'Lounge' });
    floor.join(bob, lounge.id);
    const requested = vi.fn();
    knocks.on('requested', requested);
    const knock = knocks.request(bob, room.id);
    expect(requested).toHaveBeenCalledWith(knock, [alice.userId]);
    expect(knocks.request(bob, room.id)).toBe(knock);
    expect(knocks.respond(alice.userId, knock.id, true).state).toBe('admitted');
    expect(floor.roomOf(bob.userId)).toBe(room);
    expect(answered).toMatchObject([{ knock: { state: 'admitted' }, to: [bob.userId, alice.userId] }]);
  });

  it('denying keeps the knocker out', () => {
    const knock = knocks.request(bob, room.id);
    expect(knocks.respond(alice.userId, knock.id, false).state).toBe('denied');
    expect(room.has(bob.userId)).toBe(false);
    expect(() => knocks.respond(alice.userId, knock.id, true)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
  });

  it('only someone inside may answer', () => {
    const knock = knocks.request(bob, room.id);
    expect(() => knocks.respond(carol.userId, knock.id, true)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(() => knocks.respond(bob.userId, knock.id, true)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
  });

  it('lets a knocker into a private 1on1 when admitted', () => {
    const private1on1 = floor.openPrivateRoom([alice, carol]);
    expect(() => floor.join(bob, private1on1.id)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    const knock = knocks.request(bob, private1on1.id);
    knocks.respond(carol.userId, knock.id, true);
    expect(floor.roomOf(bob.userId)).toBe(private1on1);
  });

  it('keeps the knock pending when the room is full at admission', () => {
    floor.join(carol, room.id);
    const knock = knocks.request(bob, room.id);
    expect(() => knocks.respond(alice.userId, knock.id, true)).toThrow(/full/);
    expect(knocks.pendingFor(room.id)).toEqual([knock]);
    floor.leave(carol.userId, room.id);
    expect(knocks.respond(alice.userId, knock.id, true).state).toBe('admitted');
    expect(answered.map((a) => a.knock.state)).toEqual(['admitted']);
  });

  it('expires, and is cancelled when nobody is left to answer', () => {
    const knock = knocks.request(bob, room.id);
    vi.advanceTimersByTime(DEFAULT_KNOCK_TTL_MS);
    expect(answered.map((a) => a.knock.state)).toEqual(['expired']);
    knocks.request(bob, room.id);
    floor.leave(alice.userId, room.id);
    expect(answered.map((a) => a.knock.state)).toEqual(['expired', 'cancelled']);
    expect(() => knocks.request(bob, room.id)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(knock.state).toBe('expired');
  });

  it('is cancelled when the knocker walks in, leaves, knocks elsewhere or goes offline', async () => {
    const other = await floor.createRoom({ name: 'Other' });
    floor.join(carol, other.id);
    knocks.request(bob, room.id);
    knocks.request(bob, other.id); // one pending knock per person
    knocks.handleOffline(bob.userId);
    const k = knocks.request(bob, room.id);
    knocks.cancel(bob.userId, k.id);
    const k2 = knocks.request(bob, room.id);
    floor.join(bob, room.id);
    expect(answered.map((a) => [a.knock.roomId, a.knock.state])).toEqual([
      [room.id, 'cancelled'],
      [other.id, 'cancelled'],
      [room.id, 'cancelled'],
      [room.id, 'cancelled'],
    ]);
    expect(k2.state).toBe('cancelled');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refuses knocks on archived rooms, rooms you are in, and other workspaces', async () => {
    expect(() => knocks.request(alice, room.id)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(() => knocks.request(bob, randomUUID())).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    await floor.archiveRoom(room.id);
    expect(() => knocks.request(bob, room.id)).toThrow(/archived/);
  });
});
