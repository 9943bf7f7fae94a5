import { defineConfig } from '@playwright/test';

/** Chromium flags for this machine: headless as root, no background traffic, fake camera and microphone. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  // Without it Chromium offers no 127.0.0.1 ICE candidates and media cannot stay on loopback.
  '--allow-loopback-in-peer-connection',
];

export default defineConfig({
  testDir: './tests',
  // Two cores: one browser test at a time keeps media timing honest.
  workers: 1,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
    permissions: ['microphone', 'camera'],
    trace: 'retain-on-failure',
  },
});
