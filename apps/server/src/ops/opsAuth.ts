import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * An operator route: it answers only to `Authorization: Bearer <OPS_TOKEN>` and never reads cookies,
     * so the CSRF check (http/requestContext.ts) does not apply to it.
     */
    operatorOnly?: boolean;
  }
}

/** Route options of an operator route (see {@link requireOperator}). */
export const OPERATOR_ROUTE = { config: { operatorOnly: true } } as const;

/** True when the request carries the configured OPS_TOKEN (constant-time compare); false when none is set. */
export function isOperator(req: FastifyRequest, token: string | undefined): boolean {
  if (!token) return false;
  const given = Buffer.from(req.headers.authorization?.replace(/^Bearer /, '') ?? '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/**
 * R22: operator endpoints are token-gated and logged. Without OPS_TOKEN configured, or with a wrong
 * token, they answer 404, so their existence is not advertised (same rule as GET /api/ops/stats).
 */
export function requireOperator(req: FastifyRequest, token: string | undefined, what: string): void {
  if (!isOperator(req, token)) throw AppError.notFound();
  req.log.info({ ip: req.ip, operatorAction: what }, `operator ${req.method} ${req.routeOptions.url}`);
}
