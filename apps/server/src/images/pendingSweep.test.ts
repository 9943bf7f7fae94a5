import { describe, expect, it } from 'vitest';
import { PendingImageSweep } from './pendingSweep.js';

const log = () => {
  const lines: string[] = [];
  return {
    lines,
    info: (_o: object, m: string) => lines.push(m),
    error: (_o: object, m: string) => lines.push(m),
  };
};

describe('the hourly sweep of expired pending uploads', () => {
  it('runs one sweep at a time, logs what it removed, and nothing once stopped', async () => {
    let calls = 0;
    let inFlight = 0;
    let most = 0;
    const l = log();
    const sweep = new PendingImageSweep({
      log: l,
      sweep: async () => {
        calls++;
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setImmediate(r));
        inFlight--;
        return 3;
      },
    });
    sweep.start();
    expect(await Promise.all([sweep.runOnce(), sweep.runOnce()])).toEqual([3, 3]);
    expect(most).toBe(1);
    expect(l.lines).toEqual([
      'images: expired pending uploads deleted',
      'images: expired pending uploads deleted',
    ]);
    await sweep.stop();
    expect(await sweep.runOnce()).toBe(0);
    expect(calls).toBe(2);
  });

  it('stop() waits for a running sweep to finish', async () => {
    let release!: () => void;
    let finished = false;
    const sweep = new PendingImageSweep({
      log: log(),
      sweep: () =>
        new Promise<number>((r) => {
          release = () => {
            finished = true;
            r(0);
          };
        }),
    });
    const run = sweep.runOnce();
    const stopped = sweep.stop().then(() => finished);
    await new Promise((r) => setImmediate(r));
    release();
    expect(await stopped).toBe(true);
    expect(await run).toBe(0);
  });
});
