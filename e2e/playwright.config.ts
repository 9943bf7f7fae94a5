import { defineConfig } from '@playwright/test';
import { CHROMIUM_PATH, E2E_CHROMIUM_ARGS } from './support/chromium.mjs';

export default defineConfig({
  testDir: './tests',
  // E2E_STORE=firestore: start the Firestore emulator for the run (support/storeEngine.ts).
  globalSetup: './support/globalSetup.ts',
  // Two cores: one browser test at a time keeps media timing honest.
  workers: 1,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM_PATH, args: E2E_CHROMIUM_ARGS },
    permissions: ['microphone', 'camera'],
    trace: 'retain-on-failure',
  },
});
