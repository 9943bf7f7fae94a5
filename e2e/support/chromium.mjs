import { fakeVoiceFile } from './fakeVoice.mjs';

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

// Browser tests run three to six pages with cameras on two shared cores: the fake camera at 15 fps halves
// the encoding and decoding work, so a busy machine starves the pages less (decoding is still checked frame
// by frame). Benchmarks keep the default 30 fps.
// The fake microphone speaks in syllables and pauses (fakeVoice.mjs) instead of Chromium's 20 ms beeps, so
// the active-speaker highlight follows who talks as it does with people.
export const E2E_CHROMIUM_ARGS = [
  ...CHROMIUM_ARGS.map((a) => (a === '--use-fake-device-for-media-stream' ? `${a}=fps=15` : a)),
  `--use-file-for-fake-audio-capture=${fakeVoiceFile()}`,
];
