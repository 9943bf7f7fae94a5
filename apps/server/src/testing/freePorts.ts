import dgram from 'node:dgram';
import net from 'node:net';

/**
 * Free loopback ports for tests that need fixed ones (a WebRtcServer per media worker, a TURN server):
 * `count` consecutive ports free for UDP AND TCP on 127.0.0.1 right now. The kernel picks a start (port
 * 0), then each port of the run is bound both ways and released. A race with another process remains
 * possible, so callers that fail to listen may simply ask again. No vitest imports (e2e uses it).
 */
export async function freeUdpTcpPorts(count = 1, host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const start = await ephemeralTcpPort(host);
    if (start + count - 1 > 65535) continue;
    let ok = true;
    for (let p = start; p < start + count && ok; p++)
      ok = (await canBindTcp(p, host)) && (await canBindUdp(p, host));
    if (ok) return start;
  }
  throw new Error(`no ${count} consecutive free UDP+TCP ports on ${host}`);
}

function ephemeralTcpPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function canBindTcp(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

function canBindUdp(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.once('error', () => {
      s.close();
      resolve(false);
    });
    s.bind(port, host, () => s.close(() => resolve(true)));
  });
}
