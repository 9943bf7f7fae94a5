import { randomBytes } from 'node:crypto';

/**
 * Which store engine the browser suite runs against: the embedded default (SQLite) or, with
 * `E2E_STORE=firestore`, Firestore on the emulator that `globalSetup.ts` starts (npm test runs the main
 * journeys both ways). Every server a test starts gets its own `demo-e2e-*` project, so tests never see
 * each other's data, and a restarted server keeps its project (startServer puts it into the env it reuses).
 */
export const E2E_STORE: 'sqlite' | 'firestore' =
  process.env.E2E_STORE === 'firestore' ? 'firestore' : 'sqlite';

/** The variables that point a new server at the run's engine. */
export function storeEnv(): Record<string, string> {
  if (E2E_STORE === 'sqlite') return {};
  const host = process.env.FIRESTORE_EMULATOR_HOST;
  if (!host)
    throw new Error('E2E_STORE=firestore but no FIRESTORE_EMULATOR_HOST: the globalSetup did not run');
  return {
    STORE: 'firestore',
    FIRESTORE_EMULATOR_HOST: host,
    FIRESTORE_PROJECT_ID: `demo-e2e-${randomBytes(5).toString('hex')}`,
    METADATA_SERVER_DETECTION: 'none',
  };
}
