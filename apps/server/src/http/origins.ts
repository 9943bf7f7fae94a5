import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config.js';

/** Is an `Origin` header one we serve? `absent`: no browser made the request (browsers send it cross-site). */
export type OriginVerdict = 'allowed' | 'absent' | 'foreign' | 'malformed';

/** Which web origins may call the API and open sockets. */
export interface OriginPolicy {
  origins: ReadonlySet<string>;
  /** Without PUBLIC_URL, also an Origin whose host is the request's own Host (same origin, any address). */
  sameHost: boolean;
}

/**
 * Judges a request's Origin header. A header that is not exactly one serialized origin (a path, a list
 * from a duplicated header, junk) is `malformed`: browsers never send that. `null` (sandboxed frames,
 * file: pages) is `foreign`.
 */
export function judgeOrigin(headers: IncomingHttpHeaders, policy: () => OriginPolicy): OriginVerdict {
  const header = headers.origin;
  if (header === undefined || header === '') return 'absent';
  if (header === 'null') return 'foreign';
  const url = URL.canParse(header) ? new URL(header) : undefined;
  if (!url || url.origin === 'null' || url.origin !== header) return 'malformed';
  const p = policy();
  if (p.origins.has(url.origin)) return 'allowed';
  return p.sameHost && headers.host !== undefined && url.host === headers.host ? 'allowed' : 'foreign';
}

/**
 * The origin policy: PUBLIC_URL's origin and ALLOWED_ORIGINS. Without PUBLIC_URL (development, tests)
 * the server's own listening origin under its loopback names, the same host, and in development the
 * Vite dev server. Evaluated lazily: with PORT=0 the port is known only once the server listens.
 */
export function originPolicy(
  config: Pick<Config, 'publicUrl' | 'allowedOrigins' | 'host' | 'nodeEnv'>,
  server: { address(): AddressInfo | string | null },
): () => OriginPolicy {
  let cached: OriginPolicy | undefined;
  return () => {
    if (cached) return cached;
    const origins = new Set(config.allowedOrigins);
    if (config.publicUrl) {
      origins.add(new URL(config.publicUrl).origin);
      cached = { origins, sameHost: false };
      return cached;
    }
    const addr = server.address();
    // Not listening yet: nothing of our own to allow (and nothing to cache).
    if (!addr || typeof addr === 'string') return { origins, sameHost: true };
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    for (const h of [host, '127.0.0.1', 'localhost', '[::1]']) {
      origins.add(new URL(`http://${h}:${addr.port}`).origin);
    }
    if (config.nodeEnv === 'development')
      for (const h of ['127.0.0.1', 'localhost']) origins.add(`http://${h}:5173`);
    cached = { origins, sameHost: true };
    return cached;
  };
}
