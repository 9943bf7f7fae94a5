/**
 * SAML single sign-on routes (R11):
 * - `GET`/`PUT /api/workspaces/:id/sso` — the IdP settings (Enterprise, admins, through the access decision);
 * - `GET /api/sso/discover?email=` — the workspace whose IdP signs in that email's domain (or null);
 * - `GET /api/sso/:id/metadata` — Tsudoi's SP metadata for the IdP administrator;
 * - `GET /api/sso/:id/login` — SP-initiated login: a browser-bound AuthnRequest, redirected to the IdP;
 * - `POST /api/sso/:id/acs` — the one POST without a CSRF token (http/requestContext.ts
 *   `CSRF_EXEMPT_ROUTE`): the IdP's page posts it cross-site; the AuthnRequest id bound to this browser is
 *   its protection. It ends on the workspace (`/w/:id`) or on the sign-in page with `sso_error`.
 */
import { UpdateSsoConfigRequest } from '@tsudoi/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { OTP_POLICY } from '../auth/authService.js';
import { RateLimiter } from '../auth/rateLimiter.js';
import type { SessionService } from '../auth/sessionService.js';
import { newToken } from '../auth/tokens.js';
import { AppError } from '../errors.js';
import {
  CSRF_EXEMPT_ROUTE,
  clearCookie,
  cookieName,
  cookieOptions,
  originOf,
  requireAuth,
} from '../http/requestContext.js';
import type { SharedLimits } from '../scaling/sharedLimits.js';
import { parseInput } from '../validation.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import { SSO_REQUEST_TTL_MS } from './ssoRequests.js';
import type { SsoService } from './ssoService.js';

const WsParams = z.object({ workspaceId: z.uuid() });
const BROWSER_COOKIE = 'tsudoi_sso';
const DiscoverQuery = z.object({ email: z.string().trim().min(3).max(254) });
const DISCOVER_PER_IP_PER_MINUTE = 30;
/**
 * SSO sign-in starts and ACS posts per client address: anonymous, and each stores a request or writes the
 * access log. Generous, because a whole office arriving at 9:00 may share one address (10 a second).
 */
export const SSO_SIGNIN_PER_IP_PER_MINUTE = 600;

export interface SsoRouteDeps {
  sso: SsoService;
  sessions: SessionService;
  access: WorkspaceAccess;
  /** Several nodes: the discovery limit per address counted in Redis. */
  sharedLimits?: SharedLimits;
}

export function ssoRoutes(app: FastifyInstance, d: SsoRouteDeps): void {
  const secure = app.cookieSecure;
  const workspaceOf = (req: FastifyRequest) => {
    const r = WsParams.safeParse(req.params);
    if (!r.success) throw AppError.notFound();
    return r.data.workspaceId;
  };
  /** The same decision as every workspace route (`workspaceRoutes.ts` gate): admin, IP allow-list. */
  const gateAdmin = async (req: FastifyRequest) => {
    const { user, session } = await requireAuth(req, d.sessions);
    const workspaceId = workspaceOf(req);
    await d.access.require(
      { userId: user.id, session, clientIp: originOf(req).ip, via: 'http' },
      workspaceId,
      'admin',
    );
    return { user, workspaceId };
  };
  // Cross-site in production (the IdP posts it): SameSite=None needs Secure; over plain http (development,
  // tests on loopback) the IdP is same-site and Lax is enough.
  const browserCookie = secure ? `__Host-${BROWSER_COOKIE}` : BROWSER_COOKIE;
  const browserCookieOptions = {
    path: '/',
    httpOnly: true,
    secure,
    sameSite: secure ? ('none' as const) : ('lax' as const),
    maxAge: SSO_REQUEST_TTL_MS / 1000,
  };
  const toSignin = (reply: FastifyReply, code: string) =>
    reply.redirect(`/signin?sso_error=${encodeURIComponent(code)}`, 303);

  app.get('/api/workspaces/:workspaceId/sso', async (req) => {
    const { workspaceId } = await gateAdmin(req);
    return d.sso.view(workspaceId);
  });
  app.put('/api/workspaces/:workspaceId/sso', async (req) => {
    const { user, workspaceId } = await gateAdmin(req);
    const input = parseInput(UpdateSsoConfigRequest, req.body);
    return d.sso.update(workspaceId, user.id, input, originOf(req));
  });

  // Anonymous, so limited per address: it only says which workspace's IdP signs in a domain.
  const discoverLimiter = new RateLimiter(
    DISCOVER_PER_IP_PER_MINUTE,
    60_000,
    d.sharedLimits ? { limits: d.sharedLimits, name: 'sso-discover' } : undefined,
  );
  app.get('/api/sso/discover', async (req) => {
    const wait = await discoverLimiter.take(originOf(req).ip ?? '', Date.now());
    if (wait > 0) throw AppError.rateLimited(wait / 1000);
    const { email } = parseInput(DiscoverQuery, req.query);
    return d.sso.discover(email);
  });

  app.get('/api/sso/:workspaceId/metadata', async (req, reply) => {
    const xml = await d.sso.metadataXml(workspaceOf(req));
    return reply.type('application/samlmetadata+xml; charset=utf-8').send(xml);
  });

  const signinLimiter = new RateLimiter(
    SSO_SIGNIN_PER_IP_PER_MINUTE,
    60_000,
    d.sharedLimits ? { limits: d.sharedLimits, name: 'sso-signin' } : undefined,
  );
  /** Whether this address may start or finish one more SSO sign-in now. */
  const signinAllowed = async (req: FastifyRequest) =>
    (await signinLimiter.take(originOf(req).ip ?? '', Date.now())) === 0;

  app.get('/api/sso/:workspaceId/login', async (req, reply) => {
    if (!(await signinAllowed(req))) return toSignin(reply, 'RATE_LIMITED');
    const workspaceId = workspaceOf(req);
    const nonce = newToken();
    try {
      const url = await d.sso.loginUrl(workspaceId, nonce, originOf(req));
      reply.setCookie(browserCookie, nonce, browserCookieOptions);
      return reply.redirect(url, 302);
    } catch (err) {
      if (err instanceof AppError) return toSignin(reply, err.code);
      throw err;
    }
  });

  // Only here: the IdP's form arrives as application/x-www-form-urlencoded.
  app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 1024 * 1024 },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    scope.route({
      method: CSRF_EXEMPT_ROUTE.method,
      url: CSRF_EXEMPT_ROUTE.url,
      handler: async (req, reply) => {
        if (!(await signinAllowed(req))) return toSignin(reply, 'RATE_LIMITED');
        const workspaceId = workspaceOf(req);
        const body = (req.body ?? {}) as Record<string, unknown>;
        const samlResponse = typeof body.SAMLResponse === 'string' ? body.SAMLResponse : undefined;
        const nonce = req.cookies[browserCookie];
        reply.clearCookie(browserCookie, { path: '/', secure, sameSite: browserCookieOptions.sameSite });
        try {
          const outcome = await d.sso.acs(workspaceId, samlResponse, nonce, originOf(req));
          if (outcome.next === 'otp') {
            // The same code step as a password sign-in: its attempt cookie, then the code form.
            reply.setCookie(cookieName('signin', secure), outcome.challengeToken, {
              ...cookieOptions(secure, OTP_POLICY.ttlMs / 1000),
              sameSite: 'strict',
            });
            const q = new URLSearchParams({ sso_code: outcome.expiresAt, email: outcome.email });
            return reply.redirect(`/signin?${q}`, 303);
          }
          reply.setCookie(
            cookieName('session', secure),
            outcome.sessionToken,
            cookieOptions(secure, d.sessions.timeouts.absoluteMs / 1000),
          );
          clearCookie(reply, 'signin', secure);
          return reply.redirect(`/w/${workspaceId}`, 303);
        } catch (err) {
          if (err instanceof AppError) return toSignin(reply, err.code);
          throw err;
        }
      },
    });
  });
}
