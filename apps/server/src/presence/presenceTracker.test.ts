import { randomUUID } from 'node:crypto';
import type { MemberPresence } from '@tsudoi/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_GRACE_MS, PresenceTracker } from './presenceTracker.js';

describe('PresenceTracker', () => {
  const ws = randomUUID();
  const alice = { userId: randomUUID(), displayName: 'Alice' };
  let tracker: PresenceTracker;
  let changes: MemberPresence[];
  let offline: string[];

  beforeEach(() => {
    vi.useFakeTimers();
    tracker = new PresenceTracker();
    changes = [];
    offline = [];
    tracker.on('changed', (_ws, p) => changes.push(p));
    tracker.on('offline', (_ws, userId) => offline.push(userId));
  });
  afterEach(() => {
    tracker.close();
    vi.useRealTimers();
  });

  it('counts a person once however many tabs they open', () => {
    expect(tracker.connect(ws, alice, 's1')).toEqual({ cameOnline: true });
    expect(tracker.connect(ws, alice, 's2')).toEqual({ cameOnline: false });
    expect(tracker.online(ws)).toHaveLength(1);
    expect(tracker.connectionCount(ws, alice.userId)).toBe(2);
    expect(changes).toHaveLength(1);
    tracker.disconnect(ws, alice.userId, 's1');
    vi.advanceTimersByTime(DEFAULT_GRACE_MS * 2);
    expect(tracker.isOnline(ws, alice.userId)).toBe(true);
    expect(offline).toEqual([]);
  });

  it('keeps a person online through a reload within the grace period', () => {
    tracker.connect(ws, alice, 's1');
    tracker.setStatus(ws, alice.userId, { state: 'focused', text: '資料作成中' });
    tracker.disconnect(ws, alice.userId, 's1');
    vi.advanceTimersByTime(DEFAULT_GRACE_MS - 1);
    expect(tracker.connect(ws, alice, 's2')).toEqual({ cameOnline: false });
    vi.advanceTimersByTime(DEFAULT_GRACE_MS * 2);
    expect(offline).toEqual([]);
    expect(tracker.get(ws, alice.userId)?.status).toEqual({ state: 'focused', text: '資料作成中' });
  });

  it('marks a person offline once the grace period after their last tab ends', () => {
    tracker.connect(ws, alice, 's1');
    tracker.connect(ws, alice, 's2');
    tracker.disconnect(ws, alice.userId, 's1');
    tracker.disconnect(ws, alice.userId, 's2');
    tracker.disconnect(ws, alice.userId, 's2'); // a duplicate disconnect changes nothing
    vi.advanceTimersByTime(DEFAULT_GRACE_MS - 1);
    expect(tracker.isOnline(ws, alice.userId)).toBe(true);
    vi.advanceTimersByTime(1);
    expect(offline).toEqual([alice.userId]);
    expect(tracker.isOnline(ws, alice.userId)).toBe(false);
    expect(changes.at(-1)).toMatchObject({ userId: alice.userId, online: false });
    vi.advanceTimersByTime(DEFAULT_GRACE_MS * 2);
    expect(offline).toHaveLength(1);
  });

  it('uses an injected grace period and timers', () => {
    const timers = { setTimeout: vi.fn(() => 'h'), clearTimeout: vi.fn() };
    const t = new PresenceTracker({ timers, graceMs: 5_000 });
    t.connect(ws, alice, 's1');
    t.disconnect(ws, alice.userId, 's1');
    expect(timers.setTimeout).toHaveBeenCalledWith(expect.any(Function), 5_000);
    t.connect(ws, alice, 's2');
    expect(timers.clearTimeout).toHaveBeenCalledWith('h');
    t.close();
  });

  it('signs out at once, without grace', () => {
    tracker.connect(ws, alice, 's1');
    tracker.signOut(ws, alice.userId);
    expect(offline).toEqual([alice.userId]);
  });

  it('keeps workspaces apart', () => {
    tracker.connect(ws, alice, 's1');
    expect(tracker.isOnline(randomUUID(), alice.userId)).toBe(false);
    expect(() => tracker.setStatus(randomUUID(), alice.userId, { state: 'away' })).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    );
  });

  it('announces status changes and renames', () => {
    tracker.connect(ws, alice, 's1');
    expect(tracker.setStatus(ws, alice.userId, { state: 'away' })).toMatchObject({
      status: { state: 'away' },
    });
    tracker.connect(ws, { ...alice, displayName: 'Alice K.' }, 's2');
    expect(changes.map((c) => c.displayName)).toEqual(['Alice', 'Alice', 'Alice K.']);
  });

  it('close() cancels pending grace periods without reporting anyone offline', () => {
    tracker.connect(ws, alice, 's1');
    tracker.disconnect(ws, alice.userId, 's1');
    tracker.close();
    tracker.close();
    vi.advanceTimersByTime(DEFAULT_GRACE_MS * 2);
    expect(offline).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
