import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setListenerErrorReporter } from '../enhancedEvents.js';
import { Room } from './room.js';

const now = new Date('2026-11-27T09:00:00Z');
const person = (name: string) => ({ userId: randomUUID(), displayName: name, listenOnly: false });
const openRoom = (capacity: number | null = null) =>
  new Room({
    id: randomUUID(),
    workspaceId: randomUUID(),
    name: 'Lounge',
    kind: 'open',
    capacity,
    archived: false,
  });

describe('Room', () => {
  afterEach(() => setListenerErrorReporter((event, error) => console.error(event, error)));

  it('fires empty once when the last person leaves, and again for the next conversation', () => {
    const room = openRoom();
    const empty = vi.fn();
    room.on('empty', empty);
    const [a, b] = [person('A'), person('B')];
    room.add(a, now);
    room.add(b, now);
    room.remove(a.userId, 'left');
    expect(empty).not.toHaveBeenCalled();
    room.remove(b.userId, 'left');
    room.remove(b.userId, 'left'); // a repeated leave is not a second emptying
    expect(empty).toHaveBeenCalledTimes(1);
    expect(empty).toHaveBeenCalledWith(b.userId, 'left');
    room.add(a, now);
    room.remove(a.userId, 'moved');
    expect(empty).toHaveBeenCalledTimes(2);
  });

  it('fires empty once when close() races a leave, in either order', () => {
    const closeFirst = openRoom();
    const empty1 = vi.fn();
    closeFirst.on('empty', empty1);
    const a = person('A');
    closeFirst.add(a, now);
    closeFirst.close('floorClosed');
    expect(closeFirst.remove(a.userId, 'left')).toBeUndefined();
    closeFirst.close('floorClosed');
    expect(empty1).toHaveBeenCalledTimes(1);
    expect(empty1).toHaveBeenCalledWith(a.userId, 'roomClosed');

    const leaveFirst = openRoom();
    const empty2 = vi.fn();
    leaveFirst.on('empty', empty2);
    leaveFirst.add(a, now);
    leaveFirst.remove(a.userId, 'left');
    leaveFirst.close('floorClosed');
    expect(empty2).toHaveBeenCalledTimes(1);
  });

  it('fires empty once even when a listener leaves re-entrantly during close()', () => {
    const room = openRoom();
    const [a, b] = [person('A'), person('B')];
    room.add(a, now);
    room.add(b, now);
    const empty = vi.fn();
    room.on('empty', empty);
    room.on('participantLeft', () => room.remove(b.userId, 'left'));
    room.close('floorClosed');
    expect(empty).toHaveBeenCalledTimes(1);
    expect(room.size).toBe(0);
  });

  it('never fires empty for a room nobody entered', () => {
    const room = openRoom();
    const empty = vi.fn();
    room.on('empty', empty);
    room.close('floorClosed');
    room.archive();
    expect(empty).not.toHaveBeenCalled();
  });

  it('refuses entry when full or archived, and lets a present person through again', () => {
    const room = openRoom(1);
    const [a, b] = [person('A'), person('B')];
    room.add(a, now);
    expect(() => room.add(b, now)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(room.add(a, now).userId).toBe(a.userId);
    expect(room.size).toBe(1);
    room.archive();
    expect(room.size).toBe(0);
    expect(() => room.add(a, now)).toThrow(/archived/);
  });

  it('keeps the listen-only flag per participant and announces changes', () => {
    const room = openRoom();
    const a = person('A');
    room.add({ ...a, listenOnly: true }, now);
    expect(room.toSummary().participants[0]).toMatchObject({ listenOnly: true, since: now.toISOString() });
    const updated = vi.fn();
    room.on('participantUpdated', updated);
    expect(room.setListenOnly(a.userId, true)).toBe(false);
    expect(room.setListenOnly(a.userId, false)).toBe(true);
    expect(updated).toHaveBeenCalledTimes(1);
    expect(room.participants.get(a.userId)?.listenOnly).toBe(false);
  });

  it('admits only the guest list into a private room', () => {
    const [a, b, c] = [person('A'), person('B'), person('C')];
    const room = new Room({
      id: randomUUID(),
      workspaceId: randomUUID(),
      name: 'A & B',
      kind: 'oneOnOne',
      capacity: null,
      archived: false,
      guestList: [a.userId, b.userId],
    });
    room.add(a, now);
    expect(() => room.add(c, now)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    room.admit(c.userId);
    room.add(c, now);
    expect(room.size).toBe(2);
  });

  it('keeps notifying when a listener throws', () => {
    const reported = vi.fn();
    setListenerErrorReporter(reported);
    const room = openRoom();
    const after = vi.fn();
    room.on('participantJoined', () => {
      throw new Error('faulty subscriber');
    });
    room.on('participantJoined', after);
    room.add(person('A'), now);
    expect(after).toHaveBeenCalledTimes(1);
    expect(reported).toHaveBeenCalledWith('participantJoined', expect.any(Error));
    expect(room.size).toBe(1);
  });
});
