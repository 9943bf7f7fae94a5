import fs from 'node:fs';
import type { TestProject } from 'vitest/node';
import { emulatorBinary, emulatorPresent, startFirestoreEmulator } from './firestoreEmulatorProcess.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `127.0.0.1:PORT` of the run's Firestore emulator; empty when none runs (see the reason). */
    firestoreEmulatorHost: string;
    /** Why no emulator runs, for the loud skip; empty when one does. */
    firestoreEmulatorAbsent: string;
  }
}

/** Files that use the emulator import the helper; any other selection runs without starting Java. */
const NEEDS_EMULATOR = /testing\/firestoreEmulator\.js/;

/** The test files of this run, or undefined when vitest does not tell (then the emulator always starts). */
function selectedFiles(project: TestProject): string[] | undefined {
  const state = (project.vitest as unknown as { state?: { getPaths?: () => string[] } }).state;
  const paths = state?.getPaths?.();
  return Array.isArray(paths) && paths.length > 0 ? paths : undefined;
}

function someFileNeedsEmulator(files: string[]): boolean {
  return files.some((file) => {
    try {
      return NEEDS_EMULATOR.test(fs.readFileSync(file, 'utf8'));
    } catch {
      return true;
    }
  });
}

/**
 * The emulator's first requests take seconds (class loading, JIT): spend them here, once, with the calls
 * the suites make (transaction, writes, reads, a query), instead of in the first test of every file.
 */
async function warmUp(host: string): Promise<void> {
  const { openFirestoreStore } = await import('../storage/firestore/firestoreStore.js');
  const store = await openFirestoreStore({ projectId: 'demo-warmup', emulatorHost: host });
  try {
    await store.migrate();
    for (let i = 0; i < 3; i++) {
      await store.meta.set(`warm-${i}`, 'x');
      await store.meta.get(`warm-${i}`);
      await store.accessLog.list({ workspaceId: 'warm', type: 'x', limit: 5 });
      await store.transaction(async (tx) => tx.leases.tryAcquire('warm', `h${i}`, new Date(), 1));
    }
  } finally {
    await store.close();
  }
}

/**
 * Vitest globalSetup: starts ONE Firestore emulator for the whole run when a selected test file needs it,
 * and hands its host to the tests (`inject('firestoreEmulatorHost')`). `FIRESTORE_EMULATOR_HOST` set in the
 * environment reuses that emulator instead.
 */
export default async function setup(project: TestProject) {
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  const provide = (host: string, absent: string) => {
    project.provide('firestoreEmulatorHost', host);
    project.provide('firestoreEmulatorAbsent', absent);
  };
  const given = process.env.FIRESTORE_EMULATOR_HOST;
  if (given) {
    provide(given, '');
    return;
  }
  const files = selectedFiles(project);
  // TEST_STORE=firestore: every test app runs on the emulator (testing/testApp.ts), so it always starts.
  if (files && process.env.TEST_STORE !== 'firestore' && !someFileNeedsEmulator(files)) {
    provide('', 'not started: no selected test file imports testing/firestoreEmulator');
    return;
  }
  const bin = emulatorBinary();
  if (!emulatorPresent(bin)) {
    provide('', `Firestore emulator absent at ${bin}`);
    return;
  }
  const emulator = await startFirestoreEmulator(bin);
  try {
    await warmUp(emulator.host);
  } catch (err) {
    await emulator.stop();
    throw err;
  }
  provide(emulator.host, '');
  return async () => {
    await emulator.stop();
  };
}
