import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RequestOrigin } from '../audit/auditLog.js';
import type { Session, User } from '../auth/accountStore.js';
import type { SessionService } from '../auth/sessionService.js';
import { newToken } from '../auth/tokens.js';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { judgeOrigin } from './origins.js';

export type CookieKind = 'session' | 'signin' | 'csrf';
const BASE_NAMES: Record<CookieKind, string> = {
  session: 'tsudoi_session',
  signin: 'tsudoi_signin',
  csrf: 'tsudoi_csrf',
};

/**
 * A cookie's name. Secure cookies carry the `__Host-` prefix: the browser then accepts them only from
 * https, for path `/` and this exact host, so a sibling subdomain or a plain-http page cannot plant or
 * shadow a session or CSRF cookie. The one place cookie names come from (HTTP routes and sockets).
 */
export function cookieName(kind: CookieKind, secure: boolean): string {
  return secure ? `__Host-${BASE_NAMES[kind]}` : BASE_NAMES[kind];
}

/** Cookies are Secure (and `__Host-`) in production and whenever the public URL is https. */
export function secureCookies(config: Pick<Config, 'nodeEnv' | 'publicUrl'>): boolean {
  return config.nodeEnv === 'production' || (config.publicUrl?.startsWith('https:') ?? false);
}

/** Where a request came from, for the access log (`req.ip` follows TRUST_PROXY, see clientIp.ts). */
export function originOf(req: FastifyRequest): RequestOrigin {
  return { ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null };
}

/** Cookie attributes; Secure whenever the site is served over https (production). Always path `/`. */
export function cookieOptions(secure: boolean, maxAgeSeconds?: number) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure,
    ...(maxAgeSeconds ? { maxAge: maxAgeSeconds } : {}),
  };
}

/** Deletes a cookie; `__Host-` cookies are only replaced by a Set-Cookie with the same Secure/path. */
export function clearCookie(reply: FastifyReply, kind: CookieKind, secure: boolean): void {
  reply.clearCookie(cookieName(kind, secure), cookieOptions(secure));
}

/**
 * Sets the CSRF cookie (readable by the page, which echoes it in X-CSRF-Token). Signed in, `token` is
 * the session's stored CSRF token, which is what {@link csrfProtection} checks; before sign-in a fresh
 * random one (double submit).
 */
export function issueCsrf(reply: FastifyReply, secure: boolean, token: string = newToken()): string {
  reply.setCookie(cookieName('csrf', secure), token, {
    path: '/',
    httpOnly: false,
    sameSite: 'strict',
    secure,
  });
  return token;
}

/** Makes the page's CSRF cookie the session's token (after sign-in, or a cookie from an older session). */
export function bindCsrf(
  req: FastifyRequest,
  reply: FastifyReply,
  session: Session,
  secure: boolean,
): string {
  if (req.cookies[cookieName('csrf', secure)] !== session.csrfToken)
    issueCsrf(reply, secure, session.csrfToken);
  return session.csrfToken;
}

/**
 * The one state-changing route without a CSRF token or Origin check: the SAML ACS (sso/ssoRoutes.ts), which
 * the IdP's page posts cross-site. Its protection is the AuthnRequest id bound to the browser that sent it.
 */
export const CSRF_EXEMPT_ROUTE = { method: 'POST', url: '/api/sso/:workspaceId/acs' } as const;

/** Methods that only read. Every other method is checked, whatever its path: see {@link csrfProtection}. */
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

const sameToken = (a: unknown, b: string | undefined): boolean =>
  typeof a === 'string' &&
  b !== undefined &&
  a.length === b.length &&
  a.length > 0 &&
  timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * CSRF protection for every state-changing request (SameSite cookies are the first line):
 * - it applies to every method but GET/HEAD/OPTIONS on every path: the hook never looks at the URL,
 *   since the router decodes it (`/%61pi/…` is `/api/…`) and no spelling may slip past. socket.io's
 *   own requests never reach fastify (its engine checks the Origin: realtime/gateway.ts);
 * - the Origin, when sent, must be one we serve (a malformed one is a 400);
 * - with a live session, X-CSRF-Token must equal that session's stored token: a token planted in the
 *   cookie, or another session's token, is refused;
 * - without one (sign-up, sign-in, codes), the header must equal the CSRF cookie (double submit).
 */
export function csrfProtection(app: FastifyInstance, sessions: SessionService): void {
  app.addHook('onRequest', async (req) => {
    if (SAFE.has(req.method)) return;
    // The matched route (its pattern, not the spelling of the URL), so the exemption is this route only.
    if (req.method === CSRF_EXEMPT_ROUTE.method && req.routeOptions.url === CSRF_EXEMPT_ROUTE.url) return;
    // Operator routes (ops/opsAuth.ts) take only the OPS_TOKEN bearer header, never cookies: nothing to forge.
    if (req.routeOptions.config?.operatorOnly === true) return;
    const secure = app.cookieSecure;
    const origin = judgeOrigin(req.headers, app.allowedOrigins);
    if (origin === 'malformed') throw new AppError('BAD_REQUEST', 'Malformed Origin header.');
    if (origin === 'foreign') throw new AppError('CSRF_FAILED', 'Cross-site request refused.');
    const header = req.headers['x-csrf-token'];
    const sessionToken = req.cookies[cookieName('session', secure)];
    const authed = sessionToken ? await sessions.authenticate(sessionToken) : undefined;
    if (authed) {
      req.auth = authed;
      if (sameToken(header, authed.session.csrfToken)) return;
    } else if (sameToken(header, req.cookies[cookieName('csrf', secure)])) return;
    throw new AppError('CSRF_FAILED', 'Missing or wrong CSRF token. Reload the page.');
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
  if (!req.auth)
    req.auth = await sessions.authenticate(req.cookies[cookieName('session', req.server.cookieSecure)]);
  if (!req.auth) throw AppError.unauthenticated();
  return req.auth;
}
