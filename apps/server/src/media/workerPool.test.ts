import * as mediasoup from 'mediasoup';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebRtcTransport } from './transports.js';
import { MediaWorkerPool, type PoolLogger, type WorkerFactory } from './workerPool.js';

/** Records what the pool logs, as an operator would read it. */
function recordingLog() {
  const lines: Array<{ level: 'info' | 'error'; msg: string; obj: Record<string, unknown> }> = [];
  const log: PoolLogger = {
    info: (obj, msg) => lines.push({ level: 'info', msg, obj: obj as Record<string, unknown> }),
    error: (obj, msg) => lines.push({ level: 'error', msg, obj: obj as Record<string, unknown> }),
  };
  return { log, lines };
}

/** A worker factory whose starts fail (as a missing MEDIASOUP_WORKER_BIN makes them) while `broken` is set. */
function switchableFactory() {
  const state = { broken: false, attempts: 0 };
  const createWorker: WorkerFactory = async (settings) => {
    state.attempts++;
    if (state.broken) throw new Error('spawn /gone/mediasoup-worker ENOENT');
    return mediasoup.createWorker(settings);
  };
  return { state, createWorker };
}

/** Catches what would crash a server process: an uncaught exception or an unhandled rejection. */
function crashWatch() {
  const crashes: unknown[] = [];
  const onCrash = (err: unknown) => crashes.push(err);
  process.on('uncaughtExceptionMonitor', onCrash);
  process.on('unhandledRejection', onCrash);
  return {
    crashes,
    stop: () => {
      process.off('uncaughtExceptionMonitor', onCrash);
      process.off('unhandledRejection', onCrash);
    },
  };
}

const rtc = { listenIp: '127.0.0.1', announcedAddress: undefined, minPort: 41000, maxPort: 41999 };

describe('MediaWorkerPool', () => {
  let pool: MediaWorkerPool | undefined;
  afterEach(() => pool?.close());

  it('starts workers and creates a router with Opus and VP8 and a WebRtcTransport on loopback', async () => {
    pool = await MediaWorkerPool.start({ size: 2 });
    expect(pool.pids).toHaveLength(2);
    const router = await pool.createRouter();
    const mimeTypes = router.rtpCapabilities.codecs?.map((c) => c.mimeType);
    expect(mimeTypes).toEqual(expect.arrayContaining(['audio/opus', 'video/VP8']));
    const transport = await createWebRtcTransport(router, rtc);
    expect(transport.iceCandidates.length).toBeGreaterThan(0);
    for (const c of transport.iceCandidates) {
      expect(c.address).toBe('127.0.0.1');
      expect(c.port).toBeGreaterThanOrEqual(41000);
      expect(c.port).toBeLessThanOrEqual(41999);
    }
    expect(transport.dtlsParameters.fingerprints.length).toBeGreaterThan(0);
    router.close();
    expect(transport.closed).toBe(true);
  });

  it('announces the configured public address', async () => {
    pool = await MediaWorkerPool.start({ size: 1 });
    const router = await pool.createRouter();
    const t = await createWebRtcTransport(router, { ...rtc, announcedAddress: '203.0.113.7' });
    expect(t.iceCandidates.every((c) => c.address === '203.0.113.7')).toBe(true);
  });

  it('places routers on the least-loaded worker', async () => {
    pool = await MediaWorkerPool.start({ size: 2 });
    const routers = [];
    for (let i = 0; i < 4; i++) routers.push(await pool.createRouter());
    expect(pool.load.map((l) => l.routers)).toEqual([2, 2]);
    routers[0]!.close();
    routers[2]!.close();
    const counts = pool.load.map((l) => l.routers).sort();
    expect(counts.reduce((a, b) => a + b)).toBe(2);
    await pool.createRouter();
    // The new router went to whichever worker had fewer.
    expect(
      Math.max(...pool.load.map((l) => l.routers)) - Math.min(...pool.load.map((l) => l.routers)),
    ).toBeLessThanOrEqual(1);
  });

  it('replaces a worker that dies and reports it', async () => {
    pool = await MediaWorkerPool.start({ size: 1 });
    const router = await pool.createRouter();
    const [victim] = pool.pids;
    const died = new Promise<number>((resolve) => pool!.once('workerDied', (pid) => resolve(pid)));
    process.kill(victim!, 'SIGKILL');
    expect(await died).toBe(victim);
    await expect.poll(() => pool!.size, { timeout: 5000 }).toBe(1);
    expect(pool.pids[0]).not.toBe(victim);
    expect(router.closed).toBe(true);
    const again = await pool.createRouter();
    expect(again.closed).toBe(false);
  });

  it('survives a replacement that cannot start: logs it, retries with backoff, recovers', async () => {
    const { log, lines } = recordingLog();
    const factory = switchableFactory();
    const watch = crashWatch();
    try {
      pool = await MediaWorkerPool.start({
        size: 1,
        log,
        createWorker: factory.createWorker,
        retryDelayMs: (failures) => 10 * 2 ** failures,
      });
      const failures: Array<[number, number]> = [];
      pool.on('spawnFailed', (_err, n, retryInMs) => failures.push([n, retryInMs]));
      const started = new Promise<number>((resolve) => pool!.once('workerStarted', resolve));
      const [victim] = pool.pids;
      factory.state.broken = true;
      process.kill(victim!, 'SIGKILL');

      // Three failed starts in a row, each retried later than the one before.
      await expect.poll(() => failures.length, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
      expect(failures.slice(0, 3)).toEqual([
        [1, 20],
        [2, 40],
        [3, 80],
      ]);
      expect(pool.size).toBe(0); // what /healthz reports as 503
      await expect(pool.createRouter()).rejects.toThrow(/no media worker/);
      const logged = lines.find((l) => l.level === 'error' && /could not be started/.test(l.msg));
      expect(logged?.obj).toMatchObject({ failures: 1, retryInMs: 20, workers: 0 });
      expect((logged?.obj.err as Error | undefined)?.message).toMatch(/ENOENT/);

      factory.state.broken = false; // the binary is back
      const pid = await started;
      expect(pid).not.toBe(victim);
      expect(pool.pids).toEqual([pid]);
      expect(lines.at(-1)).toMatchObject({ level: 'info', msg: 'mediasoup worker started' });
      expect((await pool.createRouter()).closed).toBe(false);
      expect(watch.crashes).toEqual([]);
    } finally {
      watch.stop();
    }
  });

  it('close() cancels a pending retry', async () => {
    const factory = switchableFactory();
    pool = await MediaWorkerPool.start({
      size: 1,
      log: recordingLog().log,
      createWorker: factory.createWorker,
      retryDelayMs: () => 50,
    });
    const failed = new Promise((resolve) => pool!.once('spawnFailed', resolve));
    factory.state.broken = true;
    process.kill(pool.pids[0]!, 'SIGKILL');
    await failed;
    const attempts = factory.state.attempts;
    pool.close();
    factory.state.broken = false;
    // Well past the retry's due time: a timer left behind would have started a worker.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(factory.state.attempts).toBe(attempts);
    expect(pool.size).toBe(0);
  });

  it('a throwing listener neither stops the other listeners nor the replacement; it is logged', async () => {
    const { log, lines } = recordingLog();
    pool = await MediaWorkerPool.start({ size: 1, log });
    pool.on('workerDied', () => {
      throw new Error('faulty subscriber');
    });
    const died = new Promise<number>((resolve) => pool!.on('workerDied', resolve));
    const started = new Promise<number>((resolve) => pool!.once('workerStarted', resolve));
    const [victim] = pool.pids;
    process.kill(victim!, 'SIGKILL');
    expect(await died).toBe(victim);
    await started;
    expect(pool.size).toBe(1);
    const logged = lines.find((l) => /listener threw/.test(l.msg));
    expect(logged?.obj).toMatchObject({ event: 'workerDied' });
    expect((logged?.obj.err as Error | undefined)?.message).toBe('faulty subscriber');
  });

  it('close() closes every worker and is idempotent', async () => {
    pool = await MediaWorkerPool.start({ size: 1 });
    const router = await pool.createRouter();
    pool.close();
    pool.close();
    expect(router.closed).toBe(true);
    await expect(pool.createRouter()).rejects.toThrow(/closed/);
  });
});
