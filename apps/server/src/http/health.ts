import { type HealthResponse, PROTOCOL_VERSION } from '@tsudoi/protocol';
import type { FastifyInstance } from 'fastify';
import type { MediaWorkerPool } from '../media/workerPool.js';

const startedAt = Date.now();

/** GET /healthz — 200 with JSON while the store and the SFU are up, 503 otherwise (R21 monitoring). */
export function healthRoutes(
  app: FastifyInstance,
  deps: { storeKind: HealthResponse['store']; media: MediaWorkerPool; version: string },
) {
  app.get('/healthz', async (_req, reply) => {
    const body: HealthResponse = {
      status: 'ok',
      version: deps.version,
      protocolVersion: PROTOCOL_VERSION,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      store: deps.storeKind,
      mediaWorkers: deps.media.size,
    };
    if (deps.media.size === 0) {
      reply.code(503);
      return { code: 'UNAVAILABLE', message: 'No media worker is running.' };
    }
    return body;
  });
}
