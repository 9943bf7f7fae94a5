import type { IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import proxyAddr from '@fastify/proxy-addr';

/**
 * The operator's TRUST_PROXY setting: `false` believes no `X-Forwarded-For` (the TCP peer is the
 * client); `hops` trusts that many proxies in front of us; `addresses` trusts only peers in those
 * IPs/CIDRs (or proxy-addr's named ranges `loopback`, `linklocal`, `uniquelocal`).
 */
export type TrustProxy = false | { hops: number } | { addresses: string[] };

/** proxy-addr's trust predicate: may the address at `hop` (0 = the TCP peer) forward for someone else? */
export type TrustFn = (address: string, hop: number) => boolean;

/**
 * Parses a TRUST_PROXY value as fastify's `trustProxy` reads it: unset/`false`/`0` is off, an integer is
 * a hop count, anything else a comma-separated list of IPs/CIDRs. `true` (trust every peer) is refused:
 * anyone reaching the port could then pick their own IP. Throws an Error naming the problem.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const value = raw?.trim() ?? '';
  if (value === '' || value === 'false' || value === 'off' || value === '0') return false;
  if (value === 'true')
    throw new Error('"true" would trust every peer; give the hop count or the proxy\'s IPs/CIDRs');
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10) throw new Error(`hop count must be 0–10 (got ${value})`);
    return { hops };
  }
  const addresses = value.split(',').map((s) => s.trim());
  for (const a of addresses) {
    try {
      proxyAddr.compile([a]);
    } catch {
      throw new Error(`"${a}" is not an IP address, CIDR, or loopback/linklocal/uniquelocal`);
    }
  }
  return { addresses };
}

/** The trust predicate for a setting; also fastify's `trustProxy` option, so `req.ip` agrees with {@link clientIp}. */
export function compileTrust(setting: TrustProxy): TrustFn {
  if (setting === false) return () => false;
  if ('hops' in setting) {
    const { hops } = setting;
    return (_address, hop) => hop < hops;
  }
  return proxyAddr.compile(setting.addresses);
}

/** What {@link clientIp} reads: a node request (HTTP, or a socket.io handshake's `socket.request`). */
export interface PeerRequest {
  headers: IncomingHttpHeaders;
  socket?: { remoteAddress?: string | undefined } | null;
}

/**
 * The client IP of an HTTP request or a socket handshake: the TCP peer, or — only when the peer is a
 * trusted proxy — the nearest untrusted address in `X-Forwarded-For`. The one rule for rate limits,
 * the access log and IP allow-lists. Empty string when the peer address is unknown (closed socket).
 */
export function clientIp(req: PeerRequest, trust: TrustFn): string {
  if (!req.socket?.remoteAddress) return '';
  return proxyAddr(req as never, trust);
}

/** The client IP of a socket.io handshake (same rule as HTTP); works after the transport upgraded. */
export function handshakeIp(
  handshake: { address: string; headers: IncomingHttpHeaders },
  trust: TrustFn,
): string {
  return clientIp({ headers: handshake.headers, socket: { remoteAddress: handshake.address } }, trust);
}

/** Expands a canonical (URL-serialized, lower-case, `::`-compressed) IPv6 address to its 8 groups. */
function ipv6Groups(canonical: string): number[] {
  const [head = '', tail = ''] = canonical.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = canonical.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return groups.map((g) => Number.parseInt(g, 16));
}

/**
 * The address a per-client limit counts by: an IPv4 address (also when IPv4-mapped, in either
 * spelling), or an IPv6 address's /64 — one subscriber usually holds a whole /64 and could otherwise
 * take a fresh address per request. Any spelling of one address gives one key (case, leading zeros,
 * `::`, a zone id). Anything that is not an IP address is its own key.
 */
export function addressKey(ip: string): string {
  if (!net.isIPv6(ip)) return ip;
  let canonical: string;
  try {
    canonical = new URL(`http://[${ip.replace(/%.*$/, '')}]`).hostname.slice(1, -1);
  } catch {
    return ip;
  }
  const g = ipv6Groups(canonical);
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff)
    return [g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff].join('.');
  return `${g
    .slice(0, 4)
    .map((x) => x.toString(16))
    .join(':')}::/64`;
}
