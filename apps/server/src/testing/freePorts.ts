import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';

/**
 * Free loopback ports for tests that need fixed ones (a WebRtcServer per media worker, a TURN server):
 * `count` consecutive ports free for UDP AND TCP on 127.0.0.1 right now. They are taken BELOW the kernel's
 * ephemeral range (Linux: ip_local_port_range, 32768–60999 here), so no outgoing connection can take them
 * as its source port between this check and the server's listen (seen: a port from port 0 was a browser's
 * source port seconds later). Each port of a random run is bound both ways and released. A race with
 * another test that picks the same run remains possible (unlikely); callers may simply ask again.
 * No vitest imports (e2e uses it).
 */
export async function freeUdpTcpPorts(count = 1, host = '127.0.0.1'): Promise<number> {
  const [low, high] = belowEphemeral();
  for (let attempt = 0; attempt < 200; attempt++) {
    const start = low + Math.floor(Math.random() * (high - low - count));
    let ok = true;
    for (let p = start; p < start + count && ok; p++)
      ok = (await canBindTcp(p, host)) && (await canBindUdp(p, host));
    if (ok) return start;
  }
  throw new Error(`no ${count} consecutive free UDP+TCP ports on ${host}`);
}

/** 20000 up to the start of the ephemeral range (or 32768), never below 10000. */
function belowEphemeral(): [number, number] {
  let ephemeralStart = 32768;
  try {
    const first = Number(
      fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
    );
    if (Number.isInteger(first) && first > 12000) ephemeralStart = first;
  } catch {
    // not Linux: keep the IANA-style default
  }
  return [Math.min(20000, ephemeralStart - 2000), ephemeralStart];
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
