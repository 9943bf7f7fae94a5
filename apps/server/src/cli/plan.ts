import os from 'node:os';
import { AuditLog } from '../audit/auditLog.js';
import { systemClock } from '../clock.js';
import { AppError } from '../errors.js';
import { createStore } from '../storage/createStore.js';
import { changePlan, isPlan, PLANS } from '../workspaces/planChange.js';
import { cliConfig, runAsCommand } from './cliRuntime.js';

const USAGE = `usage: node apps/server/dist/cli/plan.js <workspaceId> <${PLANS.join('|')}>
Changes a workspace's plan in the server's store (STORE, DATA_DIR, FIRESTORE_*: the variables the server reads); the change
is written to the workspace's contract log (kept 8 years) and its access log with actor "operator". Safe while the
server runs.`;

/**
 * The operator's plan command. Returns the exit code: 0 done, 1 no such workspace, 2 bad arguments or
 * configuration. Output is one JSON line on success.
 */
export async function planCli(
  args: readonly string[],
  env: Record<string, string | undefined>,
  out: { log(s: string): void; error(s: string): void } = console,
): Promise<number> {
  const [workspaceId, plan] = args;
  if (args.length !== 2 || !workspaceId || !isPlan(plan)) {
    out.error(USAGE);
    return 2;
  }
  const config = cliConfig(env, out);
  if (!config) return 2;
  const store = await createStore(config.store);
  const where =
    config.store.kind === 'sqlite' ? config.store.dataDir : `Firestore project ${config.store.projectId}`;
  try {
    await store.migrate();
    const operator = `tsudoi-cli plan (${os.userInfo().username}@${os.hostname()})`;
    const audit = new AuditLog(
      { accessLog: store.accessLog, memberships: store.accounts.memberships },
      systemClock,
    );
    const tx = { transaction: store.transaction.bind(store) };
    const r = await changePlan(
      { tx, audit, clock: systemClock },
      workspaceId,
      plan,
      { ip: null, userAgent: operator },
      {
        kind: 'operator',
        name: operator,
      },
    );
    out.log(JSON.stringify({ workspaceId, ...r }));
    return 0;
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') {
      out.error(`tsudoi: no workspace ${workspaceId} in ${where}`);
      return 1;
    }
    throw err;
  } finally {
    await store.close();
  }
}

runAsCommand(import.meta.url, planCli, 'plan change');
