import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';
import type { OperatorCredential } from '../operators/operatorTokens.js';
import type { OpsMetrics } from './metrics.js';
import { isOperator, OPERATOR_ROUTE } from './opsAuth.js';

/**
 * GET /api/ops/metrics — Prometheus text format (R21), operator-only: 404 without an operator's bearer token
 * (OPS_TOKENS / OPS_TOKEN).
 * Scrapes (every 15 s or so) are not logged one by one: they read counts, no tenant data.
 */
export function metricsRoutes(
  app: FastifyInstance,
  d: { operators: readonly OperatorCredential[]; metrics: OpsMetrics },
) {
  app.get('/api/ops/metrics', OPERATOR_ROUTE, async (req, reply) => {
    if (!isOperator(req, d.operators)) throw AppError.notFound();
    reply.header('content-type', d.metrics.registry.contentType);
    reply.header('cache-control', 'no-store');
    return d.metrics.registry.metrics();
  });
}
