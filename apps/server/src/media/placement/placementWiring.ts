import type { Server } from 'socket.io';
import { linkToHost, serveMediaLinks } from '../links/linkChannel.js';
import type { LinkKeys } from '../links/linkToken.js';
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
  /**
   * A room bigger than one node (docs/SCALING.md): with the node's socket server and the link keys (from
   * the shared master key), a full room's next peers on other nodes are held there, linked to the host.
   */
  links?: { io: Server; keys: LinkKeys };
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
  const self = { nodeId: w.nodeId, url: w.url };
  const linkSettings = w.links && { nodeId: w.nodeId, keys: w.links.keys, now: () => w.clock().getTime() };
  w.media.usePlacement((roomKey) => placer.locate(roomKey), {
    relay: w.relay ?? true,
    afterUnreachable: (roomKey, nodeId) => placer.locateAfterUnreachable(roomKey, nodeId),
    self,
    ...(linkSettings ? { linkToHost: linkToHost(linkSettings) } : {}),
  });
  const stopLinks = w.links && linkSettings ? serveMediaLinks(w.links.io, w.media, linkSettings) : () => {};
  await placer.start();
  return async () => {
    stopLinks();
    await placer.stop();
  };
}
