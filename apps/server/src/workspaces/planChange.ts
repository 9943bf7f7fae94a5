import { randomUUID } from 'node:crypto';
import type { ContractActor } from '@tsudoi/protocol';
import type { AuditLog, RequestOrigin } from '../audit/auditLog.js';
import { type Clock, systemClock } from '../clock.js';
import type { ContractRepo } from '../contracts/contractRepo.js';
import { AppError } from '../errors.js';
import type { UnitOfWork } from '../unitOfWork.js';
import { PLAN_FEATURES } from './planPolicy.js';
import { resolveSecurity } from './security.js';
import type { Plan, WorkspaceRepo } from './workspaceRepo.js';

export const PLANS: readonly Plan[] = ['free', 'team', 'enterprise'];

export const isPlan = (s: unknown): s is Plan => PLANS.includes(s as Plan);

/**
 * Changes a workspace's plan. An operator action only (the `plan` command line, or
 * `POST /api/ops/workspaces/:id/plan`): an owner's PATCH cannot buy a paid plan (ASVS V8.2, V2.3 business
 * logic). The change and its contract-log entry (R17, kept 8 years) are one unit of work; it is also logged
 * in the workspace's access log with actor "operator". A plan without "MFA for everyone" turns it off.
 */
export async function changePlan(
  d: {
    tx: UnitOfWork<{ workspaces: WorkspaceRepo; contracts: ContractRepo }>;
    audit: AuditLog;
    clock?: Clock;
  },
  workspaceId: string,
  plan: Plan,
  origin: RequestOrigin,
  actor: ContractActor = { kind: 'operator', name: origin.userAgent ?? 'operator' },
): Promise<{ from: Plan; to: Plan }> {
  const at = (d.clock ?? systemClock)().toISOString();
  const logId = randomUUID();
  // Read and write in one transaction: an owner's settings saved meanwhile are kept.
  const ws = await d.tx.transaction(async (tx) => {
    const ws = await tx.workspaces.get(workspaceId);
    if (!ws || ws.closedAt) throw AppError.notFound('Workspace not found.');
    const security = resolveSecurity(ws.security);
    await tx.workspaces.update(workspaceId, {
      plan,
      security: PLAN_FEATURES[plan].requireMfaForAll ? security : { ...security, mfaRequired: false },
    });
    await tx.contracts.appendLog({
      id: logId,
      workspaceId,
      at,
      type: 'plan_changed',
      actor,
      detail: { from: ws.plan, to: plan },
    });
    return ws;
  });
  await d.audit.record(
    'admin.plan_changed',
    origin,
    { userId: null, workspaceId },
    { actor: 'operator', from: ws.plan, to: plan },
  );
  return { from: ws.plan, to: plan };
}
