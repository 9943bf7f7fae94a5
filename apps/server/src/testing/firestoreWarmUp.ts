import { type RunningEmulator, startFirestoreEmulator } from './firestoreEmulatorProcess.js';

/**
 * The emulator's first requests take seconds (class loading, JIT): spend them here, once, with the calls
 * the suites make (transaction, writes, reads, a query), instead of in the first test of every file or the
 * first server's start-up. Used by the vitest and the Playwright globalSetups.
 */
export async function warmUpFirestore(host: string): Promise<void> {
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

/** Starts the emulator (`bin`) and warms it up; stopped again when the warm-up fails. */
export async function startWarmFirestoreEmulator(bin: string): Promise<RunningEmulator> {
  const emulator = await startFirestoreEmulator(bin);
  try {
    await warmUpFirestore(emulator.host);
  } catch (err) {
    await emulator.stop();
    throw err;
  }
  return emulator;
}
