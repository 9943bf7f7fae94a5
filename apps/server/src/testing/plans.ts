import { AuditLog } from '../audit/auditLog.js';
import { changePlan } from '../workspaces/planChange.js';
import type { Plan } from '../workspaces/workspaceRepo.js';
import type { TestApp } from './testApp.js';

/** What an operator's plan change does (audited), for tests that need a bigger or Enterprise workspace. */
export async function setPlan(t: TestApp, workspaceId: string, plan: Plan): Promise<void> {
  const { store } = t.app;
  const audit = new AuditLog(
    { accessLog: store.accessLog, memberships: store.accounts.memberships },
    () => new Date(),
  );
  await changePlan({ tx: store, audit }, workspaceId, plan, { ip: null, userAgent: 'test operator' });
}
