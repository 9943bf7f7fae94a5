import { randomUUID } from 'node:crypto';
import type { AuditLog, RequestOrigin } from '../audit/auditLog.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import type { Mailer } from '../mail/mailer.js';
import type { Store } from '../storage/store.js';
import {
  MAX_PASSWORD_LENGTH,
  type PasswordRules,
  resolveSecurity,
  strictestSecurity,
  type WorkspaceSecurity,
} from '../workspaces/security.js';
import type { Locale, User } from './accountStore.js';
import { accountMail } from './mailTemplates.js';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './passwordHash.js';
import { type PasswordProblem, passwordProblems } from './passwordPolicy.js';
import type { SessionService } from './sessionService.js';
import { newOtpCode, newToken, otpHash, tokenHash } from './tokens.js';

/** OWASP ASVS 5.0 §6.5/6.6 L2 figures for the email code. */
export const OTP_POLICY = {
  ttlMs: 10 * 60_000,
  maxFailures: 5,
  resendIntervalMs: 30_000,
  maxSends: 5,
} as const;
const VERIFY_TTL_MS = 24 * 3_600_000;

export interface AuthDeps {
  store: Store;
  mailer: Mailer;
  audit: AuditLog;
  sessions: SessionService;
  clock: Clock;
  /** Base of links in mail, e.g. https://tsudoi.example.com */
  publicUrl: () => string;
}

export type SigninOutcome =
  | { next: 'otp'; challengeToken: string; expiresAt: string }
  | { next: 'done'; sessionToken: string; userId: string };

/**
 * Sign-up, email verification, and sign-in with email + password followed by an emailed one-time code.
 * Identity providers (SAML, later) end in the same place: `sessions.establish(userId, method)`.
 */
export class AuthService {
  constructor(private readonly d: AuthDeps) {}

  /** Always answers the same way, whether or not the email exists (no account probing). */
  async signup(
    input: { email: string; password: string; displayName: string; locale: Locale },
    origin: RequestOrigin,
  ): Promise<void> {
    const now = this.d.clock();
    const rules = strictestSecurity([]).password;
    const problems = passwordProblems(input.password, rules);
    if (problems.length) throw passwordPolicyError(problems, rules);
    const existing = await this.d.store.accounts.users.getByEmail(input.email);
    if (existing) {
      await this.d.mailer.send(
        accountMail.alreadyRegistered(input.email, existing.locale, `${this.d.publicUrl()}/signin`),
      );
      return;
    }
    const hash = await hashPassword(input.password);
    const user: User = {
      id: randomUUID(),
      email: input.email,
      displayName: input.displayName,
      locale: input.locale,
      passwordHash: hash,
      passwordChangedAt: now.toISOString(),
      emailVerifiedAt: null,
      mfaEnabled: true,
      failedSignins: 0,
      lockedUntil: null,
      createdAt: now.toISOString(),
    };
    if (!(await this.d.store.accounts.users.create(user))) return; // lost a race with the same email
    await this.d.store.accounts.users.addPasswordHistory(user.id, hash, now.toISOString());
    await this.d.audit.record('auth.signup', origin, { userId: user.id });
    await this.#sendVerification(user);
  }

  async verifyEmail(token: string, origin: RequestOrigin): Promise<void> {
    const now = this.d.clock().toISOString();
    const userId = await this.d.store.accounts.emailTokens.consume(tokenHash(token), 'verify-email', now);
    if (!userId) throw new AppError('LINK_INVALID', 'This link has expired or was already used.');
    await this.d.store.accounts.users.update(userId, { emailVerifiedAt: now });
    await this.d.audit.record('auth.email_verified', origin, { userId });
  }

  /** Step 1: email + password. A wrong password, unknown email, or locked account all give SIGNIN_FAILED. */
  async signin(email: string, password: string, origin: RequestOrigin): Promise<SigninOutcome> {
    const now = this.d.clock();
    const user = await this.d.store.accounts.users.getByEmail(email);
    if (!user?.passwordHash) {
      await verifyPassword(password, await DUMMY_HASH_PROMISE); // same timing as a real check
      await this.d.audit.record('auth.signin_failed', origin, { userId: null }, { reason: 'unknown_email' });
      throw signinFailed();
    }
    const security = await this.securityFor(user.id);
    if (user.lockedUntil && Date.parse(user.lockedUntil) > now.getTime()) {
      await this.d.audit.record('auth.signin_failed', origin, { userId: user.id }, { reason: 'locked' });
      throw signinFailed();
    }
    if (!(await verifyPassword(password, user.passwordHash))) {
      const { password: rules } = security;
      const lockUntil = new Date(now.getTime() + rules.lockoutMinutes * 60_000).toISOString();
      const r = await this.d.store.accounts.users.recordFailedSignin(
        user.id,
        rules.lockoutThreshold,
        lockUntil,
      );
      await this.d.audit.record(
        'auth.signin_failed',
        origin,
        { userId: user.id },
        { reason: 'bad_password', failures: r.failures },
      );
      if (r.locked && r.failures === rules.lockoutThreshold) {
        await this.d.audit.record(
          'auth.lockout',
          origin,
          { userId: user.id },
          { minutes: rules.lockoutMinutes },
        );
        await this.d.mailer.send(accountMail.locked(user.email, user.locale, rules.lockoutMinutes));
      }
      throw signinFailed();
    }
    if (!(await this.#activeSomewhereOrNowhere(user.id))) {
      await this.d.audit.record('auth.signin_failed', origin, { userId: user.id }, { reason: 'disabled' });
      throw signinFailed();
    }
    // The password was right: the failure streak ends (an expired lock also clears here).
    await this.d.store.accounts.users.update(user.id, { failedSignins: 0, lockedUntil: null });
    if (!user.emailVerifiedAt) {
      await this.#sendVerification(user);
      throw new AppError('EMAIL_NOT_VERIFIED', 'Confirm your email address first: we sent the link again.');
    }
    if (!(user.mfaEnabled || security.mfaRequired)) {
      const sessionToken = await this.d.sessions.establish(user.id, 'password', origin);
      return { next: 'done', sessionToken, userId: user.id };
    }
    const challengeToken = newToken();
    const id = tokenHash(challengeToken);
    const code = newOtpCode();
    const expiresAt = new Date(now.getTime() + OTP_POLICY.ttlMs).toISOString();
    await this.d.store.accounts.challenges.create({
      id,
      userId: user.id,
      codeHash: otpHash(id, code),
      createdAt: now.toISOString(),
      expiresAt,
      failedAttempts: 0,
      sends: 1,
      lastSentAt: now.toISOString(),
      consumedAt: null,
    });
    await this.d.mailer.send(accountMail.otp(user.email, user.locale, code));
    await this.d.audit.record('auth.otp_sent', origin, { userId: user.id });
    return { next: 'otp', challengeToken, expiresAt };
  }

  /** Step 2: the emailed code, bound to this attempt's challenge. Single use. */
  async verifyOtp(
    challengeToken: string,
    code: string,
    origin: RequestOrigin,
  ): Promise<{ sessionToken: string; userId: string }> {
    const now = this.d.clock();
    const { id, c } = await this.#liveChallenge(challengeToken, now);
    if (otpHash(id, code) !== c.codeHash) {
      const failures = c.failedAttempts + 1;
      await this.d.store.accounts.challenges.update(id, { failedAttempts: failures });
      await this.d.audit.record('auth.otp_failed', origin, { userId: c.userId }, { failures });
      if (failures >= OTP_POLICY.maxFailures) throw otpExpired();
      throw new AppError(
        'OTP_INVALID',
        `The code is not correct. ${OTP_POLICY.maxFailures - failures} tries left.`,
      );
    }
    if (!(await this.d.store.accounts.challenges.consume(id, now.toISOString()))) throw otpExpired();
    const sessionToken = await this.d.sessions.establish(c.userId, 'password+email-otp', origin);
    return { sessionToken, userId: c.userId };
  }

  /** Sends a new code for the same attempt (the old one stops working), at most every 30 s, 5 times. */
  async resendOtp(challengeToken: string, origin: RequestOrigin): Promise<{ expiresAt: string }> {
    const now = this.d.clock();
    const { id, c } = await this.#liveChallenge(challengeToken, now);
    const wait = Date.parse(c.lastSentAt) + OTP_POLICY.resendIntervalMs - now.getTime();
    if (wait > 0) throw AppError.rateLimited(wait / 1000);
    if (c.sends >= OTP_POLICY.maxSends)
      throw AppError.rateLimited((Date.parse(c.expiresAt) - now.getTime()) / 1000);
    const user = await this.d.store.accounts.users.getById(c.userId);
    if (!user) throw otpExpired();
    const code = newOtpCode();
    const expiresAt = new Date(now.getTime() + OTP_POLICY.ttlMs).toISOString();
    await this.d.store.accounts.challenges.update(id, {
      codeHash: otpHash(id, code),
      sends: c.sends + 1,
      lastSentAt: now.toISOString(),
      expiresAt,
    });
    await this.d.mailer.send(accountMail.otp(user.email, user.locale, code));
    await this.d.audit.record('auth.otp_sent', origin, { userId: user.id }, { resend: true });
    return { expiresAt };
  }

  /** Changes the password (policy + history) and ends every session of the user, this one included. */
  async changePassword(userId: string, current: string, next: string, origin: RequestOrigin): Promise<void> {
    const user = await this.d.store.accounts.users.getById(userId);
    if (!user?.passwordHash || !(await verifyPassword(current, user.passwordHash))) {
      throw new AppError('SIGNIN_FAILED', 'The current password is not correct.');
    }
    const { password: rules } = await this.securityFor(userId);
    const problems = passwordProblems(next, rules);
    if (problems.length) throw passwordPolicyError(problems, rules);
    const recent = await this.d.store.accounts.users.recentPasswordHashes(
      userId,
      Math.max(1, rules.historyCount),
    );
    for (const h of recent) {
      if (await verifyPassword(next, h)) {
        throw new AppError(
          'PASSWORD_REUSED',
          `Choose a password you have not used recently (last ${rules.historyCount}).`,
        );
      }
    }
    const now = this.d.clock().toISOString();
    const hash = await hashPassword(next);
    await this.d.store.accounts.users.update(userId, { passwordHash: hash, passwordChangedAt: now });
    await this.d.store.accounts.users.addPasswordHistory(userId, hash, now);
    await this.d.audit.record('auth.password_changed', origin, { userId });
    await this.d.sessions.revokeAll(userId, origin, 'password_changed');
  }

  /** The attempt behind a challenge cookie while it can still be answered; else OTP_EXPIRED. */
  async #liveChallenge(challengeToken: string, now: Date) {
    const id = tokenHash(challengeToken);
    const c = await this.d.store.accounts.challenges.get(id);
    const over =
      !c ||
      c.consumedAt !== null ||
      Date.parse(c.expiresAt) <= now.getTime() ||
      c.failedAttempts >= OTP_POLICY.maxFailures;
    if (over) throw otpExpired();
    return { id, c };
  }

  /** The strictest security settings among the user's workspaces. */
  async securityFor(userId: string): Promise<WorkspaceSecurity> {
    const ms = await this.d.store.accounts.memberships.listByUser(userId);
    const wss = await this.d.store.workspaces.listByIds(ms.map((m) => m.workspaceId));
    return strictestSecurity(wss.map((w) => resolveSecurity(w.security)));
  }

  /** A user whose every membership is disabled cannot sign in; a user with none may (to create one). */
  async #activeSomewhereOrNowhere(userId: string): Promise<boolean> {
    const ms = await this.d.store.accounts.memberships.listByUser(userId);
    return ms.length === 0 || ms.some((m) => m.status === 'active');
  }

  async #sendVerification(user: User): Promise<void> {
    const token = newToken();
    await this.d.store.accounts.emailTokens.create({
      id: tokenHash(token),
      purpose: 'verify-email',
      userId: user.id,
      expiresAt: new Date(this.d.clock().getTime() + VERIFY_TTL_MS).toISOString(),
    });
    await this.d.mailer.send(
      accountMail.verifyEmail(
        user.email,
        user.locale,
        `${this.d.publicUrl()}/verify?token=${encodeURIComponent(token)}`,
      ),
    );
  }
}

const signinFailed = () =>
  new AppError('SIGNIN_FAILED', 'The email address or password is not correct, or the account is locked.');
const otpExpired = () => new AppError('OTP_EXPIRED', 'This sign-in attempt has ended. Sign in again.');
/** Each problem maps to the limit it broke (the length for tooShort/tooLong), so the UI can say it. */
const passwordPolicyError = (problems: PasswordProblem[], rules: PasswordRules) =>
  new AppError('PASSWORD_POLICY', 'The password does not meet the policy.', {
    fields: Object.fromEntries(
      problems.map((p) => [
        p,
        p === 'tooShort' ? String(rules.minLength) : p === 'tooLong' ? String(MAX_PASSWORD_LENGTH) : p,
      ]),
    ),
  });
