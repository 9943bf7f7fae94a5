import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium.mjs';

// `npm run screenshots`: the doc generator, not a test (infra/test.sh runs e2e/playwright.config.ts, whose
// testDir is e2e/tests). It writes docs/screens/*.png and docs/SCREENS.md from the built app.
export default defineConfig({
  testDir: '.',
  testMatch: /\.shots\.ts$/,
  outputDir: './test-results',
  workers: 1,
  // A busy two-core machine takes minutes for four people with cameras.
  timeout: 1_800_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    permissions: ['microphone', 'camera'],
    colorScheme: 'light',
  },
});
