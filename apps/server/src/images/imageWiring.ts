import type { FastifyInstance } from 'fastify';
import type { SessionService } from '../auth/sessionService.js';
import type { BlobStore } from '../chat/blobStore.js';
import type { Clock } from '../clock.js';
import { channels, type TsudoiServer } from '../realtime/types.js';
import type { SharedLimits } from '../scaling/sharedLimits.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import type { ImageRepo } from './imageRepo.js';
import { imageRoutes } from './imageRoutes.js';
import { ImageService } from './imageService.js';
import { PendingImageSweep } from './pendingSweep.js';

/**
 * The images feature (R16) for the composition root: service, HTTP routes, `image:changed` pushes, and the
 * hourly sweep of expired pending uploads.
 */
export function imageWiring(
  http: FastifyInstance,
  d: {
    images: ImageRepo;
    blobs: BlobStore;
    sessions: SessionService;
    access: WorkspaceAccess;
    clock: Clock;
    /** Several nodes: uploads per person counted in Redis. */
    sharedLimits?: SharedLimits;
  },
) {
  const service = new ImageService({
    images: d.images,
    blobs: d.blobs,
    clock: d.clock,
    onError: (err, what) => http.log.error({ err }, what),
  });
  imageRoutes(http, {
    images: service,
    sessions: d.sessions,
    access: d.access,
    clock: d.clock,
    ...(d.sharedLimits ? { sharedLimits: d.sharedLimits } : {}),
  });
  // A removed member's profile image goes with their membership (files included); a disabled one keeps it.
  d.access.subscribe('membershipEnded', (e) => {
    if (e.reason !== 'removed') return;
    service
      .remove(e.workspaceId, 'profile', e.userId)
      .catch((err) => http.log.error({ err }, 'images: could not remove a removed member’s profile image'));
  });
  return {
    service,
    /** The hourly sweep of expired pending uploads: `start()` once listening, `stop()` on close. */
    sweep: new PendingImageSweep({ sweep: () => service.sweepExpired(), log: http.log }),
    /** Pushes profile/workspace image changes to the workspace's sockets; returns the unsubscribe. */
    broadcastOn: (io: TsudoiServer) =>
      service.onChanged((ws, change) => io.to(channels.workspace(ws)).emit('image:changed', change)),
  };
}
