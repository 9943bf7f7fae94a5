import { type ErrorBody, type HealthResponse, PROTOCOL_VERSION } from '@tsudoi/protocol';
import type { FastifyInstance } from 'fastify';
import type { MediaWorkerPool } from '../media/workerPool.js';

const startedAt = Date.now();

/** How long /healthz waits for the store's read before answering 503 (a 5-minute monitor must not hang). */
export const STORE_PING_TIMEOUT_MS = 2_000;

/** Resolves when `ping` answers within `timeoutMs`; rejects with its error or a timeout. */
async function within(ping: () => Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * GET /healthz — 200 with JSON while the store answers a read and a media worker runs; 503 otherwise
 * with `STORE_UNAVAILABLE` (the store failed or did not answer in time) or `UNAVAILABLE` (no media worker).
 * R21: the target of 5-minute URL monitoring. The body never carries the store's error text (it may name
 * paths or hosts); the operator log does.
 */
export function healthRoutes(
  app: FastifyInstance,
  deps: {
    store: { kind: HealthResponse['store']; ping(): Promise<void> };
    media: MediaWorkerPool;
    version: string;
    pingTimeoutMs?: number;
  },
) {
  app.get('/healthz', async (req, reply): Promise<HealthResponse | ErrorBody> => {
    try {
      await within(() => deps.store.ping(), deps.pingTimeoutMs ?? STORE_PING_TIMEOUT_MS);
    } catch (err) {
      req.log.error({ err }, 'health: store check failed');
      reply.code(503);
      return { code: 'STORE_UNAVAILABLE', message: `The ${deps.store.kind} store did not answer.` };
    }
    if (deps.media.size === 0) {
      reply.code(503);
      return { code: 'UNAVAILABLE', message: 'No media worker is running.' };
    }
    return {
      status: 'ok',
      version: deps.version,
      protocolVersion: PROTOCOL_VERSION,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      store: deps.store.kind,
      mediaWorkers: deps.media.size,
    };
  });
}
