import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestServer } from './server';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Changes a workspace's plan the way an operator does (README): the built command line
 * `apps/server/dist/cli/plan.js` on the running server's DATA_DIR. Resolves with what it printed.
 */
export async function operatorSetsPlan(
  server: TestServer,
  workspaceId: string,
  plan: 'free' | 'team' | 'enterprise',
): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [path.join(ROOT, 'apps/server/dist/cli/plan.js'), workspaceId, plan],
    { env: { ...process.env, DATA_DIR: server.dataDir } },
  );
  return stdout;
}
