import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Unit and integration tests of every workspace, next to the code they test (`*.test.ts`).
export default defineConfig({
  resolve: {
    alias: {
      '@tsudoi/protocol': fileURLToPath(new URL('./packages/protocol/src/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.{ts,tsx}'],
    pool: 'forks',
    // Vitest's default is one worker fewer than the CPUs: one on these 2-core machines. Most files wait on
    // real servers, mail and the Firestore emulator, so two workers halve the idle time (2026-12-02: the
    // whole suite 503 s with one worker on a quiet machine, 371 s with two beside a browser suite; all passed).
    maxWorkers: 2,
    // Starts the Firestore emulator once per run when a selected test file uses it (see the file).
    globalSetup: ['apps/server/src/testing/firestoreGlobalSetup.ts'],
    // A test's own deadline, not a product promise (those are asserted inside the tests, with their margins):
    // long enough that a test that waits on events passes on a machine loaded by two CPU-bound busy loops,
    // where password hashing (scrypt, 32 MiB) and server start-ups take several times as long (issue 9).
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
