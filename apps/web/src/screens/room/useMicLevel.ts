import { useEffect, useState } from 'react';

/** How often the meter reads the microphone (10 Hz: smooth enough, cheap on a busy machine). */
const READ_MS = 100;

/** Maps RMS amplitude (0..1) to a meter value: about -60 dBFS reads 0, 0 dBFS reads 1. */
export function levelOfRms(rms: number): number {
  if (!(rms > 0)) return 0;
  const db = 20 * Math.log10(rms);
  return Math.min(1, Math.max(0, (db + 60) / 60));
}

/** The live input level (0..1) of a microphone stream, for the device check's meter. */
export function useMicLevel(stream: MediaStream | null): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!stream || typeof AudioContext === 'undefined') return;
    const ctx = new AudioContext();
    const source = ctx.createMediaStreamSource(stream);
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 1024;
    source.connect(analyser);
    void ctx.resume().catch(() => {});
    const buffer = new Float32Array(analyser.fftSize);
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(buffer);
      let sum = 0;
      for (const v of buffer) sum += v * v;
      setLevel(levelOfRms(Math.sqrt(sum / buffer.length)));
    }, READ_MS);
    return () => {
      clearInterval(timer);
      source.disconnect();
      void ctx.close().catch(() => {});
      setLevel(0);
    };
  }, [stream]);
  return level;
}
