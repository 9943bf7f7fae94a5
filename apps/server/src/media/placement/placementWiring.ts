import type { MediaService } from '../mediaService.js';
import type { MediaWorkerPool } from '../workerPool.js';
import type { PlacementSettings } from './placementPolicy.js';
import type { PlacementRepos } from './placementRepo.js';
import { type PlacerLog, RoomPlacer } from './roomPlacer.js';

export interface PlacementWiring {
  repos: PlacementRepos;
  media: MediaService;
  pool: MediaWorkerPool;
  /** NODE_ID and NODE_URL (or the listen URL). */
  nodeId: string;
  url: string;
  clock: () => Date;
  log: PlacerLog;
  settings?: Partial<PlacementSettings>;
  /** Relay media signalling to the hosting node (default); false: answer `elsewhere` and let the client go. */
  relay?: boolean;
}

/**
 * Several nodes (REDIS_URL set): this node heartbeats into the shared store and every room's media is
 * placed on one node (`media:join` on another node answers `elsewhere`). Returns the stop function (a
 * clean stop releases this node's rooms). One node runs none of this.
 */
export async function startPlacement(w: PlacementWiring): Promise<() => Promise<void>> {
  const placer = new RoomPlacer({
    repos: w.repos,
    nodeId: w.nodeId,
    url: w.url,
    host: {
      hosts: (roomKey) => w.media.hosts(roomKey),
      roomKeys: () => w.media.roomKeys(),
      evict: (roomKey) => w.media.evict(roomKey),
      load: () => ({ peers: w.media.stats().peers, workers: w.pool.size }),
    },
    now: () => w.clock().getTime(),
    log: w.log,
    ...(w.settings ? { settings: w.settings } : {}),
  });
  w.media.usePlacement((roomKey) => placer.locate(roomKey), {
    relay: w.relay ?? true,
    afterUnreachable: (roomKey, nodeId) => placer.locateAfterUnreachable(roomKey, nodeId),
  });
  await placer.start();
  return () => placer.stop();
}
