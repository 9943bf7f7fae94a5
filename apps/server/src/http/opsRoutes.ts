import type { FastifyInstance } from 'fastify';
import type { MediaService } from '../media/mediaService.js';
import type { MediaWorkerPool } from '../media/workerPool.js';
import type { OperatorGate } from '../operators/operatorAuth.js';

/**
 * GET /api/ops/stats — live counts for operators (R22: privileged access is narrow, named, given a reason
 * and logged in the operator audit log: operators/operatorAuth.ts). Without any operator configured, or
 * with a wrong token, it answers 404, so its existence is not advertised.
 */
export function opsRoutes(
  app: FastifyInstance,
  d: { gate: OperatorGate; media: MediaService; pool: MediaWorkerPool },
) {
  app.get('/api/ops/stats', async (req) => {
    const { operator } = await d.gate.require(req, 'stats.read', null);
    req.log.info({ ip: req.ip, operator }, 'operator read /api/ops/stats');
    return { media: d.media.stats(), mediaWorkerPids: d.pool.pids, mediaWorkerLoad: d.pool.load };
  });
}
