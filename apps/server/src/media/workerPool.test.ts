import { afterEach, describe, expect, it } from 'vitest';
import { createWebRtcTransport } from './transports.js';
import { MediaWorkerPool } from './workerPool.js';

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

  it('close() closes every worker and is idempotent', async () => {
    pool = await MediaWorkerPool.start({ size: 1 });
    const router = await pool.createRouter();
    pool.close();
    pool.close();
    expect(router.closed).toBe(true);
    await expect(pool.createRouter()).rejects.toThrow(/closed/);
  });
});
