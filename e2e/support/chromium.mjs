// Chromium flags for this machine, shared by the Playwright config and the benchmarks: headless as root,
// no background traffic, fake camera and microphone, and loopback ICE candidates (without the last flag
// Chromium offers no 127.0.0.1 candidates, and media cannot stay on loopback).
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
  '--allow-loopback-in-peer-connection',
];
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
