import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NodeRecord, PlacementRepos } from '../../media/placement/placementRepo.js';

export interface PlacementHarness {
  repos: PlacementRepos;
  /** The same repositories through another store instance (a second node on the same data). */
  second(): Promise<PlacementRepos>;
  close(): Promise<void>;
}

const T0 = 1_800_000_000_000;
const TTL = 5_000;

/** Node and room ids are unique per test: a Firestore project is shared by the suite's tests. */
const ids = () => {
  const u = randomUUID().slice(0, 8);
  return { a: `node-a-${u}`, b: `node-b-${u}`, c: `node-c-${u}`, room: `ws-${u}:room-${u}` };
};
const node = (id: string, at: number, peers = 0): NodeRecord => ({
  id,
  url: `http://${id}.test:8080`,
  load: { peers, workers: 2 },
  heartbeatAt: at,
  expiresAt: at + TTL,
});

/** The node registry and room placements (R23, media/placement/placementRepo.ts) on every engine. */
export function describePlacementContract(engine: string, make: () => Promise<PlacementHarness>) {
  describe(`Room placement contract: ${engine}`, () => {
    let h: PlacementHarness;
    beforeEach(async () => {
      h = await make();
    });
    afterEach(async () => {
      await h.close();
    });

    it('keeps each node’s latest heartbeat and lists only the nodes alive at a time', async () => {
      const { a, b } = ids();
      await h.repos.nodes.heartbeat(node(a, T0, 3));
      await h.repos.nodes.heartbeat(node(b, T0 + 2_000));
      await h.repos.nodes.heartbeat(node(a, T0 + 1_000, 7));
      expect(await h.repos.nodes.get(a)).toEqual(node(a, T0 + 1_000, 7));
      const live = (at: number) =>
        h.repos.nodes.listLive(at).then((ns) => ns.map((n) => n.id).filter((id) => id === a || id === b));
      expect(await live(T0 + 5_500)).toEqual([a, b]);
      // a's record expired at T0 + 6 000; b's lives until T0 + 7 000.
      expect(await live(T0 + 6_000)).toEqual([b]);
      expect(await live(T0 + 7_000)).toEqual([]);
      await h.repos.nodes.remove(b);
      await h.repos.nodes.remove(b);
      expect(await h.repos.nodes.get(b)).toBeUndefined();
      expect(await live(T0)).toEqual([a]);
    });

    it('a claim on a room placed on a live node leaves it there; the same node claiming again keeps it', async () => {
      const { a, b, room } = ids();
      await h.repos.nodes.heartbeat(node(a, T0));
      await h.repos.nodes.heartbeat(node(b, T0));
      expect(await h.repos.placements.claim(room, a, T0)).toEqual({
        roomKey: room,
        nodeId: a,
        claimedAt: T0,
      });
      expect(await h.repos.placements.claim(room, b, T0 + 100)).toMatchObject({ nodeId: a, claimedAt: T0 });
      expect(await h.repos.placements.claim(room, a, T0 + 200)).toMatchObject({ nodeId: a, claimedAt: T0 });
      expect(await h.repos.placements.get(room)).toMatchObject({ nodeId: a });
    });

    it('two nodes claiming one room at once agree on one winner', async () => {
      const { a, b, room } = ids();
      const other = await h.second();
      await h.repos.nodes.heartbeat(node(a, T0));
      await h.repos.nodes.heartbeat(node(b, T0));
      const [fromA, fromB] = await Promise.all([
        h.repos.placements.claim(room, a, T0),
        other.placements.claim(room, b, T0),
      ]);
      expect(fromA.nodeId).toBe(fromB.nodeId);
      expect([a, b]).toContain(fromA.nodeId);
      expect((await other.placements.get(room))?.nodeId).toBe(fromA.nodeId);
    });

    it('a placement on a node whose heartbeat expired (or that is gone) is taken over', async () => {
      const { a, b, c, room } = ids();
      await h.repos.nodes.heartbeat(node(a, T0));
      await h.repos.nodes.heartbeat(node(b, T0 + 4_000));
      await h.repos.placements.claim(room, a, T0);
      // Still alive at T0 + 4 999: stays.
      expect((await h.repos.placements.claim(room, b, T0 + 4_999)).nodeId).toBe(a);
      expect(await h.repos.placements.claim(room, b, T0 + 5_000)).toEqual({
        roomKey: room,
        nodeId: b,
        claimedAt: T0 + 5_000,
      });
      // b stops cleanly (record removed): c takes over at once.
      await h.repos.nodes.remove(b);
      expect((await h.repos.placements.claim(room, c, T0 + 5_001)).nodeId).toBe(c);
    });

    it('releases a room only for the node that holds it, and lists a node’s rooms', async () => {
      const { a, b, room } = ids();
      const room2 = `${room}-2`;
      await h.repos.nodes.heartbeat(node(a, T0));
      await h.repos.placements.claim(room, a, T0);
      await h.repos.placements.claim(room2, a, T0);
      expect((await h.repos.placements.listByNode(a)).map((p) => p.roomKey)).toEqual([room, room2]);
      expect(await h.repos.placements.listByNode(b)).toEqual([]);
      expect(await h.repos.placements.release(room, b)).toBe(false);
      expect((await h.repos.placements.get(room))?.nodeId).toBe(a);
      expect(await h.repos.placements.release(room, a)).toBe(true);
      expect(await h.repos.placements.release(room, a)).toBe(false);
      expect(await h.repos.placements.get(room)).toBeUndefined();
      // Released: the next claimer gets it although a is alive.
      expect((await h.repos.placements.claim(room, b, T0 + 1)).nodeId).toBe(b);
    });
  });
}
