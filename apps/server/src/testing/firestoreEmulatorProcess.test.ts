import { describe, expect, it } from 'vitest';
import { emulatorPresent, groupAlive, startFirestoreEmulator } from './firestoreEmulatorProcess.js';

const present = emulatorPresent();
if (!present) console.warn('!! SKIPPED Firestore emulator process tests: emulator binary absent');

describe.skipIf(!present)('Firestore emulator process', () => {
  it('answers on a loopback port once started, and leaves nothing behind once stopped', async () => {
    const emulator = await startFirestoreEmulator();
    expect(emulator.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect((await fetch(`http://${emulator.host}/`)).ok).toBe(true);
    expect(groupAlive(emulator.pgid)).toBe(true);
    await emulator.stop();
    // The wrapper script and the JVM it started are both gone, and the port no longer answers.
    expect(groupAlive(emulator.pgid)).toBe(false);
    await expect(fetch(`http://${emulator.host}/`)).rejects.toThrow();
    await emulator.stop(); // idempotent
  }, 120_000);
});

describe('Firestore emulator process without the binary', () => {
  it('fails with the reason instead of hanging', async () => {
    await expect(startFirestoreEmulator('/nonexistent/cloud_firestore_emulator')).rejects.toThrow(
      /Firestore emulator on 127\.0\.0\.1:\d+ exited.*ENOENT/s,
    );
  });
});
