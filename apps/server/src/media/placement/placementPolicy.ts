import type { NodeRecord } from './placementRepo.js';

/**
 * Pure placement rules (R23, issue 14): which node hosts a room's media, and when a room spreads over a
 * second worker of its node. No I/O, no clock: the scheduler (placementService.ts) feeds them.
 */

export interface PlacementSettings {
  /** How often a node writes its heartbeat (ms). */
  heartbeatMs: number;
  /** A node whose last heartbeat is older than this is dead; its rooms are taken over (ms). */
  ttlMs: number;
  /** A node at or above this many media peers per worker takes no new room while another node has room. */
  peersPerWorkerCap: number;
  /** A node keeps a new room itself unless another node has at least this many fewer peers per worker. */
  preferSelfSlack: number;
}

/** Defaults: a dead node's rooms move after ≤ 4 s, well inside the 10 s a failover may take. */
export const DEFAULT_PLACEMENT: PlacementSettings = {
  heartbeatMs: 1_000,
  ttlMs: 4_000,
  peersPerWorkerCap: 200,
  preferSelfSlack: 10,
};

/** The node's record is alive at `now`. */
export const isLive = (node: Pick<NodeRecord, 'expiresAt'>, now: number): boolean => node.expiresAt > now;

/** Peers per live worker; a node without a worker counts as full. */
export function loadOf(node: Pick<NodeRecord, 'load'>): number {
  return node.load.workers > 0 ? node.load.peers / node.load.workers : Number.POSITIVE_INFINITY;
}

/**
 * The node a new room goes to: among the live nodes (with `self` always a candidate, with its current
 * load), those under the cap; `self` if it is within `preferSelfSlack` of the least loaded (no redirect
 * for the common case), else the least loaded (ties by id). When every node is at the cap the least
 * loaded takes it anyway: a full cluster degrades, it does not refuse.
 */
export function chooseNode(
  live: readonly NodeRecord[],
  self: NodeRecord,
  settings: Pick<PlacementSettings, 'peersPerWorkerCap' | 'preferSelfSlack'>,
): NodeRecord {
  const nodes = [self, ...live.filter((n) => n.id !== self.id)];
  const under = nodes.filter((n) => loadOf(n) < settings.peersPerWorkerCap);
  const pool = under.length > 0 ? under : nodes;
  const least = pool.reduce((a, b) =>
    loadOf(b) < loadOf(a) || (loadOf(b) === loadOf(a) && b.id < a.id) ? b : a,
  );
  const selfOk = pool.includes(self) && loadOf(self) - loadOf(least) < settings.preferSelfSlack;
  return selfOk ? self : least;
}

/** One router of a room (each on its own worker) and the peers it carries. */
export interface RouterLoad {
  peers: number;
}

/**
 * Where a room's next peer goes once the room is big (spilling over workers with pipeToRouter): the
 * room's router with the fewest peers while it is under `peersPerRouter`; when every router of the room
 * is full, a new router on a worker the room does not use yet (`'spill'`), if the node has one; else the
 * least full router.
 */
export function routerForPeer(
  routers: readonly RouterLoad[],
  peersPerRouter: number,
  workersAvailable: number,
): number | 'spill' {
  if (routers.length === 0) return 'spill';
  let best = 0;
  routers.forEach((r, i) => {
    if (r.peers < (routers[best]?.peers ?? 0)) best = i;
  });
  if ((routers[best]?.peers ?? 0) < peersPerRouter) return best;
  return routers.length < workersAvailable ? 'spill' : best;
}
