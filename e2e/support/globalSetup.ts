import { emulatorBinary, emulatorPresent } from '../../apps/server/src/testing/firestoreEmulatorProcess';
import { startWarmFirestoreEmulator } from '../../apps/server/src/testing/firestoreWarmUp';
import { E2E_STORE } from './storeEngine';

/**
 * Playwright globalSetup. With `E2E_STORE=firestore` it starts one Firestore emulator on loopback for the
 * run (or uses `FIRESTORE_EMULATOR_HOST` when given) and stops it afterwards; the workers inherit the host.
 * Asked for Firestore without an emulator, the run fails at once with the reason (infra/test.sh only asks
 * when the emulator is installed, and says loudly when it is not).
 */
export default async function globalSetup(): Promise<(() => Promise<void>) | undefined> {
  if (E2E_STORE !== 'firestore') return undefined;
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  if (process.env.FIRESTORE_EMULATOR_HOST) return undefined;
  const bin = emulatorBinary();
  if (!emulatorPresent(bin))
    throw new Error(`E2E_STORE=firestore: the Firestore emulator is absent at ${bin}`);
  const emulator = await startWarmFirestoreEmulator(bin);
  process.env.FIRESTORE_EMULATOR_HOST = emulator.host;
  console.log(`[e2e] store engine: Firestore emulator on ${emulator.host}`);
  return () => emulator.stop();
}
