import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';
import type { MediaService } from '../media/mediaService.js';
import type { MediaWorkerPool } from '../media/workerPool.js';

/**
 * GET /api/ops/stats — live counts for operators (R22: privileged access is narrow and token-gated).
 * Disabled unless OPS_TOKEN is set; answers 404 then, so its existence is not advertised.
 */
export function opsRoutes(
  app: FastifyInstance,
  d: { token: string | undefined; media: MediaService; pool: MediaWorkerPool },
) {
  app.get('/api/ops/stats', async (req) => {
    const given = Buffer.from(req.headers.authorization?.replace(/^Bearer /, '') ?? '');
    const want = Buffer.from(d.token ?? '');
    if (!d.token || given.length !== want.length || !timingSafeEqual(given, want)) throw AppError.notFound();
    req.log.info({ ip: req.ip }, 'operator read /api/ops/stats');
    return { media: d.media.stats(), mediaWorkerPids: d.pool.pids, mediaWorkerLoad: d.pool.load };
  });
}
