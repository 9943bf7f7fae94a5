import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';

/**
 * The Content-Security-Policy the built web app runs under: only its own scripts and styles (no inline
 * script, no eval), API and socket.io (websocket) calls to its own origin, camera/microphone streams
 * and avatars as blob:/data:, no plugins, and no framing by any site (clickjacking).
 */
export function contentSecurityPolicy(publicUrl: string | undefined): Record<string, string[]> {
  const connect = ["'self'"];
  if (publicUrl) {
    // CSP3 browsers match ws(s): to 'self'; older ones need the socket origin spelled out.
    const u = new URL(publicUrl);
    connect.push(`${u.protocol === 'https:' ? 'wss' : 'ws'}://${u.host}`);
  }
  const https = publicUrl?.startsWith('https:') ?? false;
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'media-src': ["'self'", 'blob:', 'data:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': connect,
    'worker-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    'frame-src': ["'none'"],
    'manifest-src': ["'self'"],
    ...(https ? { 'upgrade-insecure-requests': [] } : {}),
  };
}

/**
 * Security headers on every response (helmet): CSP, `X-Content-Type-Options: nosniff`,
 * `Referrer-Policy: no-referrer` (links carry tokens in paths), `X-Frame-Options: DENY`, COOP/CORP,
 * HSTS in production, a Permissions-Policy limited to what the app uses, `no-store` on API answers.
 * In production, source maps are not served.
 */
export async function securityHeaders(http: FastifyInstance, config: Config): Promise<void> {
  const production = config.nodeEnv === 'production';
  await http.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(config.publicUrl) },
    strictTransportSecurity: production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  http.addHook('onSend', async (req, reply) => {
    reply.header(
      'permissions-policy',
      'camera=(self), microphone=(self), display-capture=(self), geolocation=(), payment=(), usb=()',
    );
    // A route may choose a stricter-than-default value itself (images: `private, no-store`).
    if (isApi(req) && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
  if (production) {
    http.addHook('onRequest', async (req) => {
      if ((req.routeOptions.url ?? decodedPath(req)).endsWith('.map')) throw AppError.notFound();
    });
  }
}

/** The request path as the router sees it (percent-decoded); the raw path if it does not decode. */
export function decodedPath(req: FastifyRequest): string {
  const raw = req.url.split('?')[0]!;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * An API answer: the matched route's pattern (not the raw URL, which may spell `/api/` as `/%61pi/`),
 * or for unmatched paths the decoded path, case-insensitively.
 */
export function isApi(req: FastifyRequest): boolean {
  const path = req.routeOptions.url ?? decodedPath(req).toLowerCase();
  return path.startsWith('/api/');
}
