import type { FastifyRequest } from 'fastify';
import { type OperatorAct, type OperatorRequest, operatorOf } from '../operators/operatorAuth.js';
import type { OperatorCredential } from '../operators/operatorTokens.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * An operator route: it answers only to an operator's `Authorization: Bearer` token and never reads
     * cookies, so the CSRF check (http/requestContext.ts) does not apply to it.
     */
    operatorOnly?: boolean;
  }
}

/** Route options of an operator route. */
export const OPERATOR_ROUTE = { config: { operatorOnly: true } } as const;

/**
 * R22: the operator check shared by every operator endpoint (operators/operatorAuth.ts `OperatorGate`): a
 * configured operator's token (404 otherwise), a reason (`x-ops-reason`), and an operator audit log entry.
 */
export interface OperatorCheck {
  require(req: OperatorRequest, action: string, workspaceId: string | null): Promise<OperatorAct>;
}

/**
 * True when the request carries a configured operator's token (OPS_TOKENS / OPS_TOKEN). For reads that
 * touch no tenant data and run every few seconds (metric scrapes): no reason asked, no audit entry.
 */
export function isOperator(req: FastifyRequest, operators: readonly OperatorCredential[]): boolean {
  return operatorOf(req.headers.authorization, operators) !== undefined;
}
