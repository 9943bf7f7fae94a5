import { verifyWorkspaceChain } from '../audit/accessLogChain.js';
import { createStore } from '../storage/createStore.js';
import { cliConfig, runAsCommand } from './cliRuntime.js';

const USAGE = `usage: node apps/server/dist/cli/accessLogVerify.js <workspaceId>
Checks the hash chain of a workspace's access log in the server's store (STORE, DATA_DIR, FIRESTORE_*: the variables
the server reads) from the oldest kept entry to the newest; prints one JSON line with the first break, if any.
Read-only; safe while the server runs.`;

/**
 * The operator's access-log check (R14). Returns the exit code: 0 the chain is whole, 3 it is broken (the
 * JSON names the first entry that does not fit), 2 bad arguments or configuration.
 */
export async function accessLogVerifyCli(
  args: readonly string[],
  env: Record<string, string | undefined>,
  out: { log(s: string): void; error(s: string): void } = console,
): Promise<number> {
  const [workspaceId] = args;
  if (args.length !== 1 || !workspaceId || !/^[0-9a-f-]{36}$/i.test(workspaceId)) {
    out.error(USAGE);
    return 2;
  }
  const config = cliConfig(env, out);
  if (!config) return 2;
  const store = await createStore(config.store);
  try {
    await store.migrate();
    const report = await verifyWorkspaceChain(store.accessLog, workspaceId);
    out.log(JSON.stringify({ workspaceId, ...report }));
    return report.ok ? 0 : 3;
  } finally {
    await store.close();
  }
}

runAsCommand(import.meta.url, accessLogVerifyCli, 'access-log check');
