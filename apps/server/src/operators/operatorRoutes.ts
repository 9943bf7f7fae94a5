import { billingEntrySchema, contractHolderSchema } from '@tsudoi/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AccessLogRepo } from '../audit/accessLogRepo.js';
import type { AuditLog } from '../audit/auditLog.js';
import type { Clock } from '../clock.js';
import type { ContractRepo } from '../contracts/contractRepo.js';
import type { ContractService } from '../contracts/contractService.js';
import { AppError } from '../errors.js';
import { originOf } from '../http/requestContext.js';
import type { UnitOfWork } from '../unitOfWork.js';
import { parseInput } from '../validation.js';
import type { WorkspaceDeletionService } from '../workspaces/deletion/workspaceDeletionService.js';
import { changePlan, PLANS } from '../workspaces/planChange.js';
import type { Plan, WorkspaceRepo } from '../workspaces/workspaceRepo.js';
import type { OperatorAuditRepo } from './operatorAuditRepo.js';
import type { OperatorGate } from './operatorAuth.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** An operator route: bearer token only, never cookies, so the CSRF check does not apply. */
    operatorOnly?: boolean;
  }
}

const OPERATOR = { config: { operatorOnly: true } } as const;
const WsParams = z.object({ workspaceId: z.uuid() });
const PlanBody = z.object({ plan: z.enum(PLANS as [Plan, ...Plan[]]) });
const LimitQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

/**
 * Operator endpoints (R17, R22, leaving): contract and plan changes, closing and restoring a workspace at
 * the end of a contract, and reads of tenant data. Each passes {@link OperatorGate} (named operator, reason,
 * operator audit entry) before it touches anything; unknown or missing token answers 404.
 */
export function operatorRoutes(
  app: FastifyInstance,
  d: {
    gate: OperatorGate;
    contracts: ContractService;
    deletions: WorkspaceDeletionService;
    operatorAudit: Pick<OperatorAuditRepo, 'list'>;
    accessLog: Pick<AccessLogRepo, 'list'>;
    plan: {
      tx: UnitOfWork<{ workspaces: WorkspaceRepo; contracts: ContractRepo }>;
      audit: AuditLog;
      clock: Clock;
    };
  },
) {
  const ws = (p: unknown) => {
    const r = WsParams.safeParse(p);
    if (!r.success) throw AppError.notFound();
    return r.data.workspaceId;
  };
  const operator = (name: string) => ({ kind: 'operator' as const, name });

  app.get('/api/ops/workspaces/:workspaceId/contract', OPERATOR, async (req) => {
    const id = ws(req.params);
    await d.gate.require(req, 'contract.read', id);
    return d.contracts.view(id);
  });
  app.put('/api/ops/workspaces/:workspaceId/contract/holder', OPERATOR, async (req) => {
    const id = ws(req.params);
    const { operator: name } = await d.gate.require(req, 'contract.holder.set', id);
    const holder = parseInput(contractHolderSchema, req.body);
    return d.contracts.setHolder(id, holder, operator(name));
  });
  app.post('/api/ops/workspaces/:workspaceId/contract/billing', OPERATOR, async (req, reply) => {
    const id = ws(req.params);
    const { operator: name } = await d.gate.require(req, 'contract.billing.add', id);
    const entry = parseInput(billingEntrySchema, req.body);
    reply.code(201);
    return d.contracts.addBilling(id, entry, operator(name));
  });
  app.post('/api/ops/workspaces/:workspaceId/plan', OPERATOR, async (req) => {
    const id = ws(req.params);
    const { operator: name } = await d.gate.require(req, 'plan.change', id);
    const { plan } = parseInput(PlanBody, req.body);
    return { workspaceId: id, ...(await changePlan(d.plan, id, plan, originOf(req), operator(name))) };
  });
  app.post('/api/ops/workspaces/:workspaceId/deletion', OPERATOR, async (req) => {
    const id = ws(req.params);
    const { operator: name } = await d.gate.require(req, 'workspace.close', id);
    return d.deletions.close(id, operator(name), 'contract_end');
  });
  app.post('/api/ops/workspaces/:workspaceId/restore', OPERATOR, async (req) => {
    const id = ws(req.params);
    const { operator: name } = await d.gate.require(req, 'workspace.restore', id);
    return d.deletions.restore(id, operator(name));
  });
  app.get('/api/ops/workspaces/:workspaceId/deletion', OPERATOR, async (req) => {
    const id = ws(req.params);
    await d.gate.require(req, 'deletion.read', id);
    const status = await d.deletions.status(id);
    if (!status) throw AppError.notFound('This workspace was not deleted.');
    return status;
  });
  app.get('/api/ops/workspaces/:workspaceId/access-log', OPERATOR, async (req) => {
    const id = ws(req.params);
    await d.gate.require(req, 'accessLog.read', id);
    const { limit } = parseInput(LimitQuery, req.query);
    return { events: await d.accessLog.list({ workspaceId: id, limit }) };
  });
  app.get('/api/ops/audit', OPERATOR, async (req) => {
    const q = parseInput(LimitQuery.extend({ workspaceId: z.uuid().optional() }), req.query);
    await d.gate.require(req, 'operatorAudit.read', q.workspaceId ?? null);
    return {
      entries: await d.operatorAudit.list({
        limit: q.limit,
        ...(q.workspaceId ? { workspaceId: q.workspaceId } : {}),
      }),
    };
  });
}
