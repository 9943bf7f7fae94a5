// Writes the app's short attention sounds (16-bit mono PCM WAV, 16 kHz) to src/screens/attention/sounds.
// Deterministic: the same script always writes the same bytes, so the committed files can be re-made and
// compared. Run: node apps/web/scripts/makeSounds.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RATE = 16_000;
const out = fileURLToPath(new URL('../src/screens/attention/sounds/', import.meta.url));

/** A note: frequency (Hz), start and length (s), peak gain, decay (1/s), optional harmonic mix. */
function render(lengthS, notes) {
  const samples = new Float64Array(Math.round(lengthS * RATE));
  for (const { f, at, dur, gain, decay, harmonics = [] } of notes) {
    const start = Math.round(at * RATE);
    const n = Math.round(dur * RATE);
    for (let i = 0; i < n && start + i < samples.length; i++) {
      const t = i / RATE;
      // 5 ms attack, exponential decay, 10 ms release: no clicks at either end.
      const env = Math.min(1, t / 0.005) * Math.exp(-decay * t) * Math.min(1, (dur - t) / 0.01);
      let v = Math.sin(2 * Math.PI * f * t);
      for (const [mul, g] of harmonics) v += g * Math.sin(2 * Math.PI * f * mul * t);
      samples[start + i] += gain * env * v;
    }
  }
  return samples;
}

function wav(samples) {
  const data = Buffer.alloc(samples.length * 2);
  for (const [i, s] of samples.entries())
    data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, s)) * 32_767), i * 2);
  const head = Buffer.alloc(44);
  head.write('RIFF', 0);
  head.writeUInt32LE(36 + data.length, 4);
  head.write('WAVE', 8);
  head.write('fmt ', 12);
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(1, 20); // PCM
  head.writeUInt16LE(1, 22); // mono
  head.writeUInt32LE(RATE, 24);
  head.writeUInt32LE(RATE * 2, 28);
  head.writeUInt16LE(2, 32);
  head.writeUInt16LE(16, 34);
  head.write('data', 36);
  head.writeUInt32LE(data.length, 40);
  return Buffer.concat([head, data]);
}

const bell = [
  [2, 0.25],
  [3, 0.08],
];
const SOUNDS = {
  // A rising two-note chime: someone asks for you, answer soon.
  oneOnOne: render(0.7, [
    { f: 659.25, at: 0, dur: 0.35, gain: 0.35, decay: 6, harmonics: bell },
    { f: 987.77, at: 0.16, dur: 0.54, gain: 0.35, decay: 5, harmonics: bell },
  ]),
  // Two soft wooden knocks.
  knock: render(0.4, [
    {
      f: 180,
      at: 0,
      dur: 0.12,
      gain: 0.55,
      decay: 35,
      harmonics: [
        [2.7, 0.4],
        [5.1, 0.15],
      ],
    },
    {
      f: 180,
      at: 0.18,
      dur: 0.12,
      gain: 0.55,
      decay: 35,
      harmonics: [
        [2.7, 0.4],
        [5.1, 0.15],
      ],
    },
  ]),
  // One short, soft blip.
  directMessage: render(0.25, [{ f: 880, at: 0, dur: 0.25, gain: 0.3, decay: 14, harmonics: [[2, 0.15]] }]),
  // A low, gentle two-note step up: someone walked in.
  roomEntry: render(0.45, [
    { f: 392, at: 0, dur: 0.22, gain: 0.3, decay: 9 },
    { f: 523.25, at: 0.12, dur: 0.33, gain: 0.3, decay: 8 },
  ]),
};

mkdirSync(out, { recursive: true });
for (const [name, samples] of Object.entries(SOUNDS)) {
  const bytes = wav(samples);
  writeFileSync(`${out}${name}.wav`, bytes);
  console.log(`${name}.wav ${bytes.length} bytes`);
}
