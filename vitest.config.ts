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
    // Starts the Firestore emulator once per run when a selected test file uses it (see the file).
    globalSetup: ['apps/server/src/testing/firestoreGlobalSetup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
