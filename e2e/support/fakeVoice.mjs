// A fake microphone that talks like a person, for Chromium's `--use-file-for-fake-audio-capture`.
//
// Chromium's own fake microphone beeps for 20 ms every half second. mediasoup's active-speaker observer
// (dominant speaker identification) samples levels every 300 ms and wants a speaker to be louder than the
// current one over the last moments *and* the last seconds, so with beeps the speaker highlight moved only
// when a sample happened to land on a beep: 0–5 s quietly, over 10 s on a busy machine (a CI failure of
// media.spec). Real people speak in syllables with short gaps and longer pauses; this file does that, with
// a voiced sound (a 150 Hz fundamental and its harmonics), so the observer sees what it sees in a real talk.
//
// The file is made once, deterministically, into e2e/.tmp/ (ignored by git); Chromium loops it.
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RATE = 48_000;
const SECONDS = 6;
const VERSION = 1; // bump when the sound changes, so an old file is not reused

/** Syllables (start, length in samples, loudness) of a 6 s loop: bursts of speech between pauses. */
function syllables() {
  let seed = 7;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const out = [];
  let at = 0;
  while (at < SECONDS * RATE) {
    // A phrase of 4–9 syllables, then a breath of 250–500 ms.
    const count = 4 + Math.floor(random() * 6);
    for (let i = 0; i < count; i += 1) {
      const length = Math.round((0.12 + random() * 0.13) * RATE);
      out.push({ start: at, length, loudness: 0.35 + random() * 0.4 });
      at += length + Math.round((0.04 + random() * 0.08) * RATE);
    }
    at += Math.round((0.25 + random() * 0.25) * RATE);
  }
  return out;
}

/** 16-bit mono PCM samples of the loop. */
function samples() {
  const pcm = new Int16Array(SECONDS * RATE);
  for (const { start, length, loudness } of syllables()) {
    const pitch = 130 + 40 * loudness; // louder syllables are a little higher, as in speech
    for (let i = 0; i < length && start + i < pcm.length; i += 1) {
      const t = i / RATE;
      const envelope = Math.sin((Math.PI * i) / length) ** 2;
      let voiced = 0;
      for (let h = 1; h <= 8; h += 1) voiced += Math.sin(2 * Math.PI * pitch * h * t) / h;
      pcm[start + i] = Math.round(32_767 * 0.45 * loudness * envelope * voiced);
    }
  }
  return pcm;
}

function wav(pcm) {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + pcm.byteLength, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16); // PCM chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * 2, 28); // bytes per second
  header.writeUInt16LE(2, 32); // bytes per frame
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36);
  header.writeUInt32LE(pcm.byteLength, 40);
  return Buffer.concat([header, Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength)]);
}

/** The path of the voice file, made on first use. */
export function fakeVoiceFile() {
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', '.tmp', `fake-voice-v${VERSION}.wav`);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    // Written under a temporary name first, so a reader never sees half a file.
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, wav(samples()));
    renameSync(partial, file);
  }
  return file;
}
