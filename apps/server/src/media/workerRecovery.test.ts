import * as mediasoup from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogCapture } from '../testing/logCapture.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';
import type { WorkerFactory } from './workerPool.js';

// The operator's view of a media worker that dies and cannot be replaced for a while (issue 9, reliability).
describe('a media worker that cannot be replaced', () => {
  let t: TestApp;
  const log = new LogCapture();
  const factory = { broken: false };
  const createMediaWorker: WorkerFactory = async (settings) => {
    if (factory.broken) throw new Error('spawn /opt/gone/mediasoup-worker ENOENT');
    return mediasoup.createWorker(settings);
  };
  const health = async () => (await fetch(`${t.app.url}/healthz`)).status;

  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: 'info' }, { logStream: log, createMediaWorker });
  });
  afterAll(() => t?.close());

  it('leaves the server up, reports 503 and logs each failed start, then recovers', async () => {
    expect(await health()).toBe(200);
    factory.broken = true;
    process.kill(t.app.pool.pids[0]!, 'SIGKILL');

    await expect.poll(health, { timeout: 5000 }).toBe(503);
    const failed = () =>
      log.entries.filter((e) => e.msg === 'mediasoup worker could not be started; retrying');
    await expect.poll(() => failed().length, { timeout: 5000 }).toBeGreaterThanOrEqual(1);
    expect(failed()[0]).toMatchObject({
      level: 50,
      failures: 1,
      workers: 0,
      err: { message: expect.stringMatching(/ENOENT/) },
    });
    expect(log.entries.some((e) => e.msg === 'mediasoup worker died; replaced')).toBe(true);
    // Everything else still answers.
    expect((await fetch(`${t.app.url}/api/session`)).status).toBeLessThan(500);

    factory.broken = false;
    // The default backoff starts at 125–250 ms and doubles; a few seconds cover several attempts.
    await expect.poll(health, { timeout: 10_000 }).toBe(200);
    expect(t.app.pool.size).toBe(1);
    expect(log.entries.some((e) => e.msg === 'mediasoup worker started')).toBe(true);
  });
});
