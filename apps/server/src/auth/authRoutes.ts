import {
  OtpVerifyRequest,
  PasswordChangeRequest,
  PasswordForgotRequest,
  PasswordResetRequest,
  type SessionInfo,
  SigninRequest,
  SignupRequest,
  VerifyEmailRequest,
} from '@tsudoi/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import { addressKey } from '../http/clientIp.js';
import {
  bindCsrf,
  clearCookie,
  cookieName,
  cookieOptions,
  issueCsrf,
  originOf,
  requireAuth,
} from '../http/requestContext.js';
import type { SharedLimits } from '../scaling/sharedLimits.js';
import { parseInput } from '../validation.js';
import type { WorkspaceService } from '../workspaces/workspaceService.js';
import { type AuthService, OTP_POLICY } from './authService.js';
import { passwordExpired } from './passwordPolicy.js';
import { RateLimiter } from './rateLimiter.js';
import type { SessionService } from './sessionService.js';

export interface AuthRouteDeps {
  auth: AuthService;
  sessions: SessionService;
  workspaces: WorkspaceService;
  clock: Clock;
  secureCookies: boolean;
  limits: { perIp: number; perAccount: number; windowMs: number };
  /** Several nodes: the windows live in Redis, one per address/account across the nodes. */
  sharedLimits?: SharedLimits;
}

/** /api/auth/* and /api/session: sign-up, verification, sign-in with email code, sign-out, password. */
export function authRoutes(app: FastifyInstance, d: AuthRouteDeps): void {
  const shared = (name: string) => (d.sharedLimits ? { limits: d.sharedLimits, name } : undefined);
  const ipLimiter = new RateLimiter(d.limits.perIp, d.limits.windowMs, shared('auth-ip'));
  const accountLimiter = new RateLimiter(d.limits.perAccount, d.limits.windowMs, shared('auth-account'));
  const limit = async (key: string, limiter: RateLimiter) => {
    const wait = await limiter.take(key, d.clock().getTime());
    if (wait > 0) throw AppError.rateLimited(wait / 1000);
  };

  const startSession = (reply: FastifyReply, token: string) => {
    reply.setCookie(
      cookieName('session', d.secureCookies),
      token,
      cookieOptions(d.secureCookies, d.sessions.timeouts.absoluteMs / 1000),
    );
    clearCookie(reply, 'signin', d.secureCookies);
    // The CSRF cookie becomes the new session's stored token in sessionInfo (bindCsrf), which follows.
  };

  const sessionInfo = async (req: FastifyRequest, reply: FastifyReply): Promise<SessionInfo> => {
    const { user, session } = await requireAuth(req, d.sessions);
    const security = await d.auth.securityFor(user.id);
    const csrf = bindCsrf(req, reply, session, d.secureCookies);
    return {
      user: { id: user.id, email: user.email, displayName: user.displayName, locale: user.locale },
      csrfToken: csrf,
      workspaces: await d.workspaces.listFor(user.id),
      passwordExpired: passwordExpired(user.passwordChangedAt, security.password, d.clock()),
    };
  };

  app.get('/api/session', async (req, reply) => {
    if (!req.cookies[cookieName('csrf', d.secureCookies)]) issueCsrf(reply, d.secureCookies);
    return sessionInfo(req, reply);
  });

  app.post('/api/auth/signup', async (req, reply) => {
    await limit(`signup:${addressKey(req.ip)}`, ipLimiter);
    const input = parseInput(SignupRequest, req.body);
    await d.auth.signup(input, originOf(req));
    reply.code(202);
    return { status: 'check-your-email' };
  });

  app.post('/api/auth/verify-email', async (req) => {
    await limit(`verify:${addressKey(req.ip)}`, ipLimiter);
    const { token } = parseInput(VerifyEmailRequest, req.body);
    await d.auth.verifyEmail(token, originOf(req));
    return { status: 'verified' };
  });

  app.post('/api/auth/signin', async (req, reply) => {
    const input = parseInput(SigninRequest, req.body);
    await limit(`signin:${addressKey(req.ip)}`, ipLimiter);
    await limit(`signin:${input.email}`, accountLimiter);
    const outcome = await d.auth.signin(input.email, input.password, originOf(req), input.invitation);
    if (outcome.next === 'done') {
      startSession(reply, outcome.sessionToken);
      req.auth = await d.sessions.authenticate(outcome.sessionToken);
      return { next: 'done', session: await sessionInfo(req, reply) };
    }
    reply.setCookie(cookieName('signin', d.secureCookies), outcome.challengeToken, {
      ...cookieOptions(d.secureCookies, OTP_POLICY.ttlMs / 1000),
      sameSite: 'strict',
    });
    return {
      next: 'otp',
      expiresAt: outcome.expiresAt,
      resendAfterSeconds: OTP_POLICY.resendIntervalMs / 1000,
    };
  });

  const challengeOf = (req: FastifyRequest) => {
    const token = req.cookies[cookieName('signin', d.secureCookies)];
    if (!token) throw new AppError('OTP_EXPIRED', 'This sign-in attempt has ended. Sign in again.');
    return token;
  };

  app.post('/api/auth/otp/verify', async (req, reply) => {
    await limit(`otp:${addressKey(req.ip)}`, ipLimiter);
    const { code } = parseInput(OtpVerifyRequest, req.body);
    const challenge = challengeOf(req);
    // Per account too: guesses spread over many IPs still share one budget.
    const owner = await d.auth.challengeOwner(challenge);
    if (owner) await limit(`otp:${owner}`, accountLimiter);
    const { sessionToken } = await d.auth.verifyOtp(challenge, code, originOf(req));
    startSession(reply, sessionToken);
    req.auth = await d.sessions.authenticate(sessionToken);
    return { next: 'done', session: await sessionInfo(req, reply) };
  });

  app.post('/api/auth/otp/resend', async (req) => {
    await limit(`otp:${addressKey(req.ip)}`, ipLimiter);
    return d.auth.resendOtp(challengeOf(req), originOf(req));
  });

  // Forgotten password: the same 202 for every address (known, unknown, locked); limited per IP and address.
  app.post('/api/auth/password/forgot', async (req, reply) => {
    await limit(`forgot:${addressKey(req.ip)}`, ipLimiter);
    const { email, invitation } = parseInput(PasswordForgotRequest, req.body);
    await limit(`forgot:${email}`, accountLimiter);
    await d.auth.passwordReset.request(email, originOf(req), invitation);
    reply.code(202);
    return { status: 'check-your-email' };
  });

  // The mailed link: a new password; every session of the user ends (this browser signs in again).
  app.post('/api/auth/password/reset', async (req) => {
    await limit(`reset:${addressKey(req.ip)}`, ipLimiter);
    const input = parseInput(PasswordResetRequest, req.body);
    await d.auth.passwordReset.reset(input.token, input.newPassword, originOf(req));
    return { status: 'reset-sign-in-again' };
  });

  app.post('/api/auth/signout', async (req, reply) => {
    const token = req.cookies[cookieName('session', d.secureCookies)];
    if (token) await d.sessions.signout(token, originOf(req));
    clearCookie(reply, 'session', d.secureCookies);
    issueCsrf(reply, d.secureCookies); // the ended session's CSRF token goes with it
    return { status: 'signed-out' };
  });

  app.post('/api/account/password', async (req, reply) => {
    const { user } = await requireAuth(req, d.sessions);
    await limit(`password:${user.id}`, accountLimiter);
    const input = parseInput(PasswordChangeRequest, req.body);
    await d.auth.changePassword(user.id, input.currentPassword, input.newPassword, originOf(req));
    clearCookie(reply, 'session', d.secureCookies);
    return { status: 'changed-sign-in-again' };
  });
}
