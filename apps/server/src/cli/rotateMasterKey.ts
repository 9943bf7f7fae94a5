import { systemClock } from '../clock.js';
import { DataKeys, MasterKeyMismatchError } from '../crypto/dataKeys.js';
import { createStore } from '../storage/createStore.js';
import { dataKeyRepoOf } from '../storage/dataKeyRepo.js';
import { cliConfig, runAsCommand } from './cliRuntime.js';

const USAGE = `usage: node apps/server/dist/cli/rotateMasterKey.js
Re-wraps every workspace data key under MASTER_KEY (the new master key); MASTER_KEY_PREVIOUS (or
MASTER_KEY_PREVIOUS_FILE) holds the old one. Reads the store the server reads (STORE, DATA_DIR, FIRESTORE_*).
Safe while servers run with both keys configured; see docs/SECURITY.md "Rotating the master key".`;

/**
 * The operator's master key rotation (R19). Returns the exit code: 0 done (one JSON line: how many keys were
 * re-wrapped and the current master key id), 2 bad arguments or configuration, no MASTER_KEY, or a data key
 * wrapped by a master key that is not configured (nothing is changed then).
 */
export async function rotateMasterKeyCli(
  args: readonly string[],
  env: Record<string, string | undefined>,
  out: { log(s: string): void; error(s: string): void } = console,
): Promise<number> {
  if (args.length > 0) {
    out.error(USAGE);
    return 2;
  }
  const config = cliConfig(env, out);
  if (!config) return 2;
  if (config.masterKeys.developmentDefault) {
    out.error(
      'tsudoi: MASTER_KEY is not set: set it to the new master key (and MASTER_KEY_PREVIOUS to the old one)',
    );
    return 2;
  }
  const store = await createStore(config.store);
  try {
    await store.migrate();
    const keys = new DataKeys(await dataKeyRepoOf(store), config.masterKeys, systemClock);
    // Refuse before changing anything when some data key is under a master key we do not hold.
    await keys.verify();
    const report = await keys.rotate();
    out.log(JSON.stringify(report));
    return 0;
  } catch (err) {
    if (err instanceof MasterKeyMismatchError) {
      out.error(`tsudoi: wrong master key: ${err.message}`);
      return 2;
    }
    throw err;
  } finally {
    await store.close();
  }
}

runAsCommand(import.meta.url, rotateMasterKeyCli, 'master key rotation');
