import type { FloorSnapshot } from '@tsudoi/protocol';
import { describe, expect, it } from 'vitest';
import { FloorSnapshots } from './floorSnapshots.js';

/** A snapshot maker that counts, and a sender that keeps what it sent to whom. */
function harness(fail = false) {
  let made = 0;
  const sent: Array<{ to: string[]; snapshot: FloorSnapshot }> = [];
  const turns: Array<() => void> = [];
  const snapshots = new FloorSnapshots(
    async (workspaceId) => {
      made++;
      await Promise.resolve();
      if (fail) throw new Error('store unavailable');
      return { workspaceId, rooms: [], members: [], serverTime: `t${made}` };
    },
    { send: (to, snapshot) => sent.push({ to: [...to], snapshot }) },
    (fn) => turns.push(fn),
  );
  /** Ends the current turn of the event loop: what waited for it runs. */
  const endTurn = () => {
    for (const fn of turns.splice(0)) fn();
  };
  return { snapshots, sent, endTurn, made: () => made };
}

describe('FloorSnapshots (one snapshot for the sockets connecting together)', () => {
  it('makes and sends one snapshot for the sockets of a workspace that ask in the same turn', async () => {
    const h = harness();
    const asked = ['s1', 's2', 's3'].map((id) => h.snapshots.send('ws-a', id));
    const other = h.snapshots.send('ws-b', 's4');
    expect(h.made()).toBe(0); // nothing before the turn ends: the last socket asking is in the batch
    h.endTurn();
    await Promise.all([...asked, other]);
    expect(h.made()).toBe(2);
    expect(h.sent.map((s) => [s.snapshot.workspaceId, s.to])).toEqual([
      ['ws-a', ['s1', 's2', 's3']],
      ['ws-b', ['s4']],
    ]);
  });

  it('a socket asking in a later turn gets a snapshot made after it asked', async () => {
    const h = harness();
    const first = h.snapshots.send('ws-a', 's1');
    h.endTurn();
    await first;
    const second = h.snapshots.send('ws-a', 's2');
    h.endTurn();
    await second;
    expect(h.sent.map((s) => [s.to, s.snapshot.serverTime])).toEqual([
      [['s1'], 't1'],
      [['s2'], 't2'],
    ]);
  });

  it('a snapshot that cannot be made fails every socket that waited for it, and sends nothing', async () => {
    const h = harness(true);
    const asked = ['s1', 's2'].map((id) => h.snapshots.send('ws-a', id));
    h.endTurn();
    const settled = await Promise.allSettled(asked);
    expect(settled.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(h.sent).toEqual([]);
  });
});
