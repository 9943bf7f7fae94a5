import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RequestOrigin } from '../audit/auditLog.js';
import type { Session, User } from '../auth/accountStore.js';
import type { SessionService } from '../auth/sessionService.js';
import { newToken } from '../auth/tokens.js';
import { AppError } from '../errors.js';

export const COOKIE = { session: 'tsudoi_session', signin: 'tsudoi_signin', csrf: 'tsudoi_csrf' } as const;

/** Where a request came from, for the access log. */
export function originOf(req: FastifyRequest): RequestOrigin {
  return { ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null };
}

/** Cookie attributes; Secure whenever the site is served over https (production). */
export function cookieOptions(secure: boolean, maxAgeSeconds?: number) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure,
    ...(maxAgeSeconds ? { maxAge: maxAgeSeconds } : {}),
  };
}

/** Sets a fresh CSRF cookie (readable by the page, which echoes it in X-CSRF-Token). */
export function issueCsrf(reply: FastifyReply, secure: boolean): string {
  const token = newToken();
  reply.setCookie(COOKIE.csrf, token, { path: '/', httpOnly: false, sameSite: 'strict', secure });
  return token;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF protection for every state-changing API request: double-submit token (cookie == header) plus an
 * Origin check. SameSite cookies are the first line; this is the second.
 */
export function csrfProtection(app: FastifyInstance): void {
  app.addHook('onRequest', async (req) => {
    if (!UNSAFE.has(req.method) || !req.url.startsWith('/api/')) return;
    const origin = req.headers.origin;
    if (origin && origin !== 'null') {
      const host = req.headers.host;
      if (!host || new URL(origin).host !== host)
        throw new AppError('CSRF_FAILED', 'Cross-site request refused.');
    }
    const cookie = req.cookies[COOKIE.csrf];
    const header = req.headers['x-csrf-token'];
    if (
      typeof header !== 'string' ||
      !cookie ||
      header.length !== cookie.length ||
      !timingSafeEqual(Buffer.from(header), Buffer.from(cookie))
    ) {
      throw new AppError('CSRF_FAILED', 'Missing or wrong CSRF token. Reload the page.');
    }
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    auth?: { session: Session; user: User };
  }
}

/** Resolves the session cookie to a user, or throws UNAUTHENTICATED. */
export async function requireAuth(
  req: FastifyRequest,
  sessions: SessionService,
): Promise<{ session: Session; user: User }> {
  if (!req.auth) req.auth = await sessions.authenticate(req.cookies[COOKIE.session]);
  if (!req.auth) throw AppError.unauthenticated();
  return req.auth;
}
