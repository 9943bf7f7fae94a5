import type { MemberPresence, RoomSummary } from '@tsudoi/protocol';
import { describe, expect, it } from 'vitest';
import { type FloorPush, FloorPushQueue, PendingFloor } from './floorPushes.js';

const room = (id: string, people: string[] = [], archived = false): RoomSummary => ({
  id,
  name: `Room ${id}`,
  kind: 'open',
  capacity: null,
  archived,
  participants: people.map((userId) => ({
    userId,
    displayName: userId,
    listenOnly: false,
    since: '2030-01-01T00:00:00.000Z',
  })),
});
const person = (userId: string, text = ''): MemberPresence => ({
  userId,
  displayName: userId,
  online: true,
  status: { state: 'available', ...(text ? { text } : {}) },
});

/** Timers driven by hand: `advance(ms)` runs what is due. */
function manualTime() {
  let now = 0;
  const due: Array<{ at: number; fn: () => void }> = [];
  return {
    now: () => now,
    timers: {
      setTimeout: (fn: () => void, ms: number) => {
        const t = { at: now + ms, fn };
        due.push(t);
        return t;
      },
      clearTimeout: (t: unknown) => {
        const i = due.indexOf(t as (typeof due)[number]);
        if (i >= 0) due.splice(i, 1);
      },
    },
    advance(ms: number) {
      now += ms;
      for (const t of due.filter((x) => x.at <= now).sort((a, b) => a.at - b.at)) {
        due.splice(due.indexOf(t), 1);
        t.fn();
      }
    },
    pending: () => due.length,
  };
}

describe('PendingFloor: what a workspace has not been sent yet', () => {
  it('keeps the latest state of each room and person, and sends one change as its own event', () => {
    const p = new PendingFloor();
    expect(p.take()).toBeUndefined();
    p.add({ event: 'floor:presence', payload: person('u1', 'first') });
    p.add({ event: 'floor:presence', payload: person('u1', 'second') });
    expect(p.take()).toEqual({ event: 'floor:presence', payload: person('u1', 'second') });
    expect(p.empty).toBe(true);
    p.add({ event: 'floor:roomUpdated', payload: room('a') });
    expect(p.take()).toEqual({ event: 'floor:roomUpdated', payload: room('a') });
  });

  it('gathers several changes into one floor:changed; a removed room is not also updated, and back again', () => {
    const p = new PendingFloor();
    p.add({ event: 'floor:roomUpdated', payload: room('a', ['u1']) });
    p.add({ event: 'floor:changed', payload: { rooms: [room('a'), room('b', ['u1'])], removedRoomIds: [] } });
    p.add({ event: 'floor:roomUpdated', payload: room('c') });
    p.add({ event: 'floor:roomRemoved', payload: { roomId: 'c' } });
    p.add({ event: 'floor:presence', payload: person('u2') });
    const push = p.take();
    expect(push?.event).toBe('floor:changed');
    const change = push?.payload as {
      rooms: RoomSummary[];
      removedRoomIds: string[];
      presence: MemberPresence[];
    };
    expect(change.rooms).toEqual([room('a'), room('b', ['u1'])]);
    expect(change.removedRoomIds).toEqual(['c']);
    expect(change.presence).toEqual([person('u2')]);
    // Removed, then updated again (e.g. restored): only the update remains.
    p.add({ event: 'floor:roomRemoved', payload: { roomId: 'd' } });
    p.add({ event: 'floor:roomUpdated', payload: room('d') });
    p.add({ event: 'floor:roomUpdated', payload: room('e') });
    expect(p.take()).toEqual({
      event: 'floor:changed',
      payload: { rooms: [room('d'), room('e')], removedRoomIds: [] },
    });
  });
});

/** A page's copy of one room, kept from whole rooms and participant changes as the web client does. */
function applyToPage(page: RoomSummary | undefined, push: FloorPush): RoomSummary | undefined {
  const rooms =
    push.event === 'floor:roomUpdated'
      ? [push.payload]
      : push.event === 'floor:changed'
        ? push.payload.rooms
        : [];
  let out = rooms.find((r) => r.id === page?.id) ?? page;
  if (push.event !== 'floor:changed' || !out) return out;
  for (const change of push.payload.participants ?? []) {
    if (change.roomId !== out.id) continue;
    const kept: RoomSummary['participants'] = out.participants
      .filter((p) => !change.remove.includes(p.userId))
      .map((p) => change.upsert.find((u) => u.userId === p.userId) ?? p);
    const added = change.upsert.filter((u) => !kept.some((p) => p.userId === u.userId));
    out = { ...out, participants: [...kept, ...added] };
  }
  return out;
}
const ids = (r: RoomSummary | undefined) => (r?.participants.map((p) => p.userId) ?? []).sort();

describe('PendingFloor: big rooms go out as participant changes', () => {
  const people = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `u${from + i}`);

  it('a room over the limit the pages have: only who entered and who left, in one floor:changed', () => {
    const p = new PendingFloor(3);
    p.add({ event: 'floor:roomUpdated', payload: room('a', people(5)) });
    // First sight of the room: whole (the pages may not have it as it is).
    expect(p.take()).toEqual({ event: 'floor:roomUpdated', payload: room('a', people(5)) });
    p.add({ event: 'floor:roomUpdated', payload: room('a', [...people(4, 1), 'u9']) });
    expect(p.take()).toEqual({
      event: 'floor:changed',
      payload: {
        rooms: [],
        removedRoomIds: [],
        participants: [{ roomId: 'a', upsert: room('a', ['u9']).participants, remove: ['u0'] }],
      },
    });
    // A renamed big room goes whole; a room at or under the limit always does.
    p.add({ event: 'floor:roomUpdated', payload: { ...room('a', people(5)), name: 'Town hall' } });
    expect(p.take()).toMatchObject({ event: 'floor:roomUpdated', payload: { name: 'Town hall' } });
    p.add({ event: 'floor:roomUpdated', payload: { ...room('a', people(3)), name: 'Town hall' } });
    expect(p.take()).toMatchObject({ event: 'floor:roomUpdated' });
    // Nothing a page would notice (same people again): nothing sent.
    p.add({ event: 'floor:roomUpdated', payload: { ...room('a', people(4)), name: 'Town hall' } });
    p.take();
    p.add({ event: 'floor:roomUpdated', payload: { ...room('a', people(4)), name: 'Town hall' } });
    expect(p.take()).toBeUndefined();
  });

  it('a move out of one big room into another is one push naming both', () => {
    const p = new PendingFloor(2);
    p.add({
      event: 'floor:changed',
      payload: { rooms: [room('a', people(4)), room('b', people(3, 10))], removedRoomIds: [] },
    });
    p.take();
    p.add({
      event: 'floor:changed',
      payload: { rooms: [room('a', people(3, 1)), room('b', [...people(3, 10), 'u0'])], removedRoomIds: [] },
    });
    const push = p.take();
    expect(push?.event === 'floor:changed' && push.payload.participants).toEqual([
      { roomId: 'a', upsert: [], remove: ['u0'] },
      { roomId: 'b', upsert: room('b', ['u0']).participants, remove: [] },
    ]);
  });

  it('every page ends with the room as it is, whenever its snapshot was taken (random churn)', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const p = new PendingFloor(5);
    let current = room('big', people(12));
    p.add({ event: 'floor:roomUpdated', payload: current });
    const pages: Array<RoomSummary | undefined> = [];
    for (let step = 0; step < 400; step++) {
      // Someone enters or leaves (a few may come and go between two pushes).
      const inside = current.participants.map((x) => x.userId);
      const who = `u${Math.floor(random() * 30)}`;
      const next = inside.includes(who) ? inside.filter((u) => u !== who) : [...inside, who];
      current = room('big', next);
      p.add({ event: 'floor:roomUpdated', payload: current });
      // A page opens now: its snapshot is the room as it is, between two pushes.
      if (random() < 0.2) pages.push(current);
      if (random() < 0.3) {
        const push = p.take();
        if (push) for (let i = 0; i < pages.length; i++) pages[i] = applyToPage(pages[i], push);
        for (const page of pages) expect(ids(page)).toEqual(ids(current));
      }
    }
    expect(pages.length).toBeGreaterThan(20);
  });
});

describe('FloorPushQueue: at most one push per interval and workspace', () => {
  function setUp() {
    const time = manualTime();
    const sent: Array<[string, FloorPush]> = [];
    const q = new FloorPushQueue((ws, push) => sent.push([ws, push]), 50, time.timers, time.now);
    return { time, sent, q };
  }

  it('sends a change on a quiet floor at once', () => {
    const { sent, q } = setUp();
    q.push('w1', { event: 'floor:presence', payload: person('u1') });
    expect(sent).toEqual([['w1', { event: 'floor:presence', payload: person('u1') }]]);
  });

  it('gathers what follows within the interval into one push at its end, with the latest states', () => {
    const { time, sent, q } = setUp();
    q.push('w1', { event: 'floor:presence', payload: person('u1', 'one') });
    for (let i = 0; i < 100; i++)
      q.push('w1', { event: 'floor:presence', payload: person(`p${i % 10}`, `${i}`) });
    q.push('w1', { event: 'floor:roomUpdated', payload: room('a', ['u1']) });
    expect(sent).toHaveLength(1);
    time.advance(49);
    expect(sent).toHaveLength(1);
    time.advance(1);
    expect(sent).toHaveLength(2);
    const [, push] = sent[1]!;
    expect(push.event).toBe('floor:changed');
    const change = push.payload as { rooms: RoomSummary[]; presence: MemberPresence[] };
    expect(change.rooms).toEqual([room('a', ['u1'])]);
    expect(change.presence).toHaveLength(10);
    expect(change.presence.find((m) => m.userId === 'p3')?.status.text).toBe('93');
    // Within the next interval: gathered again, not sent at once.
    q.push('w1', { event: 'floor:presence', payload: person('u1', 'two') });
    expect(sent).toHaveLength(2);
    time.advance(50);
    expect(sent[2]).toEqual(['w1', { event: 'floor:presence', payload: person('u1', 'two') }]);
    // Quiet for an interval: the next change goes at once again.
    time.advance(50);
    q.push('w1', { event: 'floor:presence', payload: person('u1', 'three') });
    expect(sent).toHaveLength(4);
    expect(time.pending()).toBe(0);
  });

  it('paces each workspace on its own: a busy workspace does not delay another', () => {
    const { sent, q } = setUp();
    q.push('busy', { event: 'floor:presence', payload: person('u1') });
    q.push('busy', { event: 'floor:presence', payload: person('u2') });
    q.push('quiet', { event: 'floor:presence', payload: person('u3') });
    expect(sent.map(([ws]) => ws)).toEqual(['busy', 'quiet']);
  });

  it('close() drops what is pending and leaves no timer behind', () => {
    const { time, sent, q } = setUp();
    q.push('w1', { event: 'floor:presence', payload: person('u1') });
    q.push('w1', { event: 'floor:presence', payload: person('u2') });
    q.close();
    expect(time.pending()).toBe(0);
    time.advance(100);
    expect(sent).toHaveLength(1);
  });
});
