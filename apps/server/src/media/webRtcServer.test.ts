import net from 'node:net';
import type { types } from 'mediasoup';
import { afterEach, describe, expect, it } from 'vitest';
import { freeUdpTcpPorts } from '../testing/freePorts.js';
import { createWebRtcTransport, type RtcListenOptions, webRtcServerPlan } from './transports.js';
import { MediaPortError, MediaWorkerPool } from './workerPool.js';

// Issue 14: a node opens one UDP and one TCP port per media worker (RTC_PORT + i), not a port range.
// Per-transport ports (no RTC_PORT) are covered by workerPool.test.ts.

/** The range is deliberately far from RTC_PORT: a candidate from it would mean the server was not used. */
const rtcWith = (port: number): RtcListenOptions => ({
  listenIp: '127.0.0.1',
  announcedAddress: undefined,
  minPort: 61000,
  maxPort: 61999,
  port,
});

const endpoints = (t: types.WebRtcTransport) =>
  t.iceCandidates.map((c) => `${c.protocol}:${c.address}:${c.port}`).sort();

describe('media workers on fixed ports (WebRtcServer)', () => {
  let pool: MediaWorkerPool | undefined;
  afterEach(() => pool?.close());

  it("puts every transport of a worker's routers on that worker's UDP and TCP port, one port per worker", async () => {
    const base = await freeUdpTcpPorts(2);
    const rtc = rtcWith(base);
    pool = await MediaWorkerPool.start({ size: 2, webRtcServer: webRtcServerPlan(rtc) });
    expect(pool.mediaPorts.map((m) => m.port).sort()).toEqual([base, base + 1]);
    // Four routers over two workers (least-loaded placement): two per worker, two transports per router.
    const routers: types.Router[] = [];
    for (let i = 0; i < 4; i++) routers.push(await pool.createRouter());
    const seen = new Set<string>();
    for (const router of routers) {
      const a = await createWebRtcTransport(router, rtc);
      const b = await createWebRtcTransport(router, rtc);
      expect(endpoints(a)).toEqual(endpoints(b));
      for (const e of endpoints(a)) seen.add(e);
    }
    expect([...seen].sort()).toEqual(
      [
        `tcp:127.0.0.1:${base}`,
        `tcp:127.0.0.1:${base + 1}`,
        `udp:127.0.0.1:${base}`,
        `udp:127.0.0.1:${base + 1}`,
      ].sort(),
    );
  });

  it('announces RTC_ANNOUNCED_ADDRESS on the fixed port', async () => {
    const base = await freeUdpTcpPorts(1);
    const rtc = { ...rtcWith(base), announcedAddress: '203.0.113.7' };
    pool = await MediaWorkerPool.start({ size: 1, webRtcServer: webRtcServerPlan(rtc) });
    const t = await createWebRtcTransport(await pool.createRouter(), rtc);
    expect(endpoints(t)).toEqual([`tcp:203.0.113.7:${base}`, `udp:203.0.113.7:${base}`]);
  });

  it("gives a dead worker's replacement the same port", async () => {
    const base = await freeUdpTcpPorts(2);
    const rtc = rtcWith(base);
    pool = await MediaWorkerPool.start({ size: 2, webRtcServer: webRtcServerPlan(rtc) });
    const victim = pool.mediaPorts.find((m) => m.port === base + 1)!;
    const started = new Promise<number>((resolve) => pool!.once('workerStarted', resolve));
    process.kill(victim.pid, 'SIGKILL');
    const pid = await started;
    expect(pid).not.toBe(victim.pid);
    expect(pool.mediaPorts.map((m) => m.port).sort()).toEqual([base, base + 1]);
    expect(pool.mediaPorts.find((m) => m.pid === pid)?.port).toBe(base + 1);
    // The replacement's routers really serve on that port (routers go to the emptier worker first).
    const router = await pool.createRouter();
    const t = await createWebRtcTransport(router, rtc);
    expect(t.iceCandidates.every((c) => c.port === base || c.port === base + 1)).toBe(true);
  });

  it('refuses to start when a media port is taken, naming the port', async () => {
    const base = await freeUdpTcpPorts(1);
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(base, '127.0.0.1', resolve));
    try {
      const started = MediaWorkerPool.start({ size: 1, webRtcServer: webRtcServerPlan(rtcWith(base)) });
      await expect(started).rejects.toBeInstanceOf(MediaPortError);
      await expect(started).rejects.toThrow(
        new RegExp(`Media port ${base} \\(UDP and TCP\\) is not available`),
      );
    } finally {
      blocker.close();
    }
  });
});
