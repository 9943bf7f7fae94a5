import { randomUUID } from 'node:crypto';
import type { AuditLog, RequestOrigin } from '../audit/auditLog.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import type { Mailer } from '../mail/mailer.js';
import type { SharedLimits } from '../scaling/sharedLimits.js';
import { SSO_REQUIRED_MESSAGE, ssoOnlyAccount } from '../sso/ssoRequiredRule.js';
import type { UnitOfWork } from '../unitOfWork.js';
import {
  MAX_PASSWORD_LENGTH,
  type PasswordRules,
  resolveSecurity,
  strictestSecurity,
  type WorkspaceSecurity,
} from '../workspaces/security.js';
import type { WorkspaceRepo } from '../workspaces/workspaceRepo.js';
import { AccountMailer } from './accountMailer.js';
import type {
  AccountStore,
  ChallengeRepo,
  EmailTokenRepo,
  InvitationRepo,
  Locale,
  Lockout,
  MembershipRepo,
  User,
  UserRepo,
} from './accountStore.js';
import { accountMail } from './mailTemplates.js';
import { type PasswordHasher, scryptHasher, unguessablePassword } from './passwordHash.js';
import { type PasswordProblem, passwordProblems } from './passwordPolicy.js';
import { PasswordReset } from './passwordReset.js';
import { pendingInvitationFor } from './pendingInvitation.js';
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

/** The repositories sign-up, sign-in and password changes read and write. */
export interface AuthRepos {
  users: UserRepo;
  challenges: ChallengeRepo;
  emailTokens: EmailTokenRepo;
  memberships: Pick<MembershipRepo, 'listByUser'>;
  workspaces: Pick<WorkspaceRepo, 'listByIds'>;
  /** To carry a pending invitation to the same address through sign-up (its link leads back to it). */
  invitations: Pick<InvitationRepo, 'getByTokenHash'>;
}

/** What account changes write together (a new password with its history, a used code with its count). */
export type AuthUnitOfWork = UnitOfWork<{
  accounts: Pick<AccountStore, 'users' | 'challenges' | 'emailTokens'>;
}>;

export interface AuthDeps {
  repos: AuthRepos;
  tx: AuthUnitOfWork;
  mailer: Mailer;
  audit: AuditLog;
  sessions: SessionService;
  clock: Clock;
  /** Base of links in mail, e.g. https://tsudoi.example.com */
  publicUrl: () => string;
  /** Account mails of one kind to one address per hour (default 5). */
  mailPerAddressPerHour?: number;
  /** Several nodes: mail throttles counted in Redis (scaling/sharedLimits.ts). */
  sharedLimits?: SharedLimits;
  /** Password hashing (default scrypt); tests inject a counting one. */
  hasher?: PasswordHasher;
  /** Where failures of background work (mail) are reported. */
  log?: { error(obj: object, msg: string): void };
}

export type SigninOutcome =
  | { next: 'otp'; challengeToken: string; expiresAt: string }
  | { next: 'done'; sessionToken: string; userId: string };

const isLocked = (user: User, now: Date) =>
  user.lockedUntil !== null && Date.parse(user.lockedUntil) > now.getTime();

/**
 * Sign-up, email verification, and sign-in with email + password followed by an emailed one-time code.
 * Identity providers (SAML, later) end in the same place: `sessions.establish(userId, method)`.
 *
 * Paths a stranger can reach with someone's email address (sign-up, sign-in, forgotten password) answer
 * alike and do alike work whether the address is known, unknown, locked or disabled: one password hash
 * each, mail queued in the background, never awaited.
 */
export class AuthService {
  readonly mail: AccountMailer;
  readonly passwordReset: PasswordReset;
  readonly #hasher: PasswordHasher;
  /** Hash of a password nobody knows: checked instead when there is no account or it is locked. */
  readonly #dummyHash: Promise<string>;

  constructor(private readonly d: AuthDeps) {
    this.#hasher = d.hasher ?? scryptHasher;
    this.#dummyHash = this.#hasher.hash(unguessablePassword());
    this.#dummyHash.catch(() => {}); // awaited (and so reported) where used
    this.mail = new AccountMailer({
      mailer: d.mailer,
      audit: d.audit,
      clock: d.clock,
      perHour: d.mailPerAddressPerHour ?? 5,
      onError: (err, to) => d.log?.error({ err, to }, 'account mail failed'),
      ...(d.sharedLimits ? { sharedLimits: d.sharedLimits } : {}),
    });
    this.passwordReset = new PasswordReset({ ...d, auth: this, mail: this.mail });
  }

  /** Always answers the same way, whether or not the email exists (no account probing). */
  async signup(
    input: { email: string; password: string; displayName: string; locale: Locale; invitation?: string },
    origin: RequestOrigin,
  ): Promise<void> {
    const now = this.d.clock();
    const rules = strictestSecurity([]).password;
    const problems = passwordProblems(input.password, rules);
    if (problems.length) throw passwordPolicyError(problems, rules);
    // Hashed before the lookup, on both paths: an existing address costs the same time as a new one.
    const hash = await this.#hasher.hash(input.password);
    const existing = await this.d.repos.users.getByEmail(input.email);
    const invitation = await pendingInvitationFor(
      this.d.repos.invitations,
      input.invitation,
      input.email,
      now,
    );
    if (existing) {
      const link = invitation
        ? `${this.d.publicUrl()}/invite/${encodeURIComponent(invitation)}`
        : `${this.d.publicUrl()}/signin`;
      const message = accountMail.alreadyRegistered(input.email, existing.locale, link);
      await this.mail.later('signup', existing.id, message, origin);
      return;
    }
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
    // The account and its first password-history entry, together.
    const created = await this.d.tx.transaction(async (tx) => {
      if (!(await tx.accounts.users.create(user))) return false; // lost a race with the same email
      await tx.accounts.users.addPasswordHistory(user.id, hash, now.toISOString());
      return true;
    });
    if (!created) return;
    await this.d.audit.record('auth.signup', origin, { userId: user.id });
    await this.#sendVerification(user, 'signup', origin, invitation);
  }

  async verifyEmail(token: string, origin: RequestOrigin): Promise<void> {
    const now = this.d.clock().toISOString();
    // The link is used up only together with the confirmation it gives.
    const userId = await this.d.tx.transaction(async (tx) => {
      const owner = await tx.accounts.emailTokens.consume(tokenHash(token), 'verify-email', now);
      if (owner) await tx.accounts.users.update(owner, { emailVerifiedAt: now });
      return owner;
    });
    if (!userId) throw new AppError('LINK_INVALID', 'This link has expired or was already used.');
    await this.d.audit.record('auth.email_verified', origin, { userId });
  }

  /**
   * Step 1: email + password. A wrong password, unknown email, locked or disabled account all give
   * SIGNIN_FAILED after one password check (against a dummy hash when there is no account or it is locked).
   */
  async signin(
    email: string,
    password: string,
    origin: RequestOrigin,
    invitation?: string,
  ): Promise<SigninOutcome> {
    const now = this.d.clock();
    const user = await this.d.repos.users.getByEmail(email);
    if (!user?.passwordHash || isLocked(user, now)) {
      await this.#hasher.verify(password, await this.#dummyHash);
      const reason = user ? 'locked' : 'unknown_email';
      await this.d.audit.record('auth.signin_failed', origin, { userId: user?.id ?? null }, { reason });
      throw signinFailed();
    }
    if (!(await this.#hasher.verify(password, user.passwordHash))) {
      const { password: rules } = await this.securityFor(user.id);
      const r = await this.d.repos.users.recordFailedSignin(user.id, lockout(rules, now));
      await this.d.audit.record(
        'auth.signin_failed',
        origin,
        { userId: user.id },
        { reason: 'bad_password', failures: r.failures },
      );
      if (r.locked && r.failures === rules.lockoutThreshold) await this.#lockedOut(user, rules, origin);
      throw signinFailed();
    }
    if (!(await this.#activeSomewhereOrNowhere(user.id))) {
      await this.d.audit.record('auth.signin_failed', origin, { userId: user.id }, { reason: 'disabled' });
      throw signinFailed();
    }
    // R11: an account whose every workspace signs in through its IdP has no password sign-in (break-glass aside).
    const memberships = await this.d.repos.memberships.listByUser(user.id);
    const wss = await this.d.repos.workspaces.listByIds(memberships.map((m) => m.workspaceId));
    if (ssoOnlyAccount(user.id, memberships, wss)) {
      await this.d.audit.record(
        'auth.signin_failed',
        origin,
        { userId: user.id },
        { reason: 'sso_required' },
      );
      throw new AppError('SSO_REQUIRED', SSO_REQUIRED_MESSAGE);
    }
    // A lock that ran out ends with its count; otherwise failures (passwords and codes) keep counting
    // until a sign-in completes, so alternating a right password with wrong codes still locks.
    if (user.lockedUntil) {
      await this.d.repos.users.update(user.id, { failedSignins: 0, lockedUntil: null });
    }
    if (!user.emailVerifiedAt) {
      // Signing in on an invitation page: the link sent again leads back to that invitation.
      const pending = await pendingInvitationFor(this.d.repos.invitations, invitation, user.email, now);
      await this.#sendVerification(user, 'verify', origin, pending);
      throw new AppError('EMAIL_NOT_VERIFIED', 'Confirm your email address first: we sent the link again.');
    }
    const security = await this.securityFor(user.id);
    if (!(user.mfaEnabled || security.mfaRequired)) {
      await this.d.repos.users.update(user.id, { failedSignins: 0 });
      const sessionToken = await this.d.sessions.establish(user.id, 'password', origin);
      return { next: 'done', sessionToken, userId: user.id };
    }
    const started = await this.#startCode(user, origin);
    return { next: 'otp', ...started };
  }

  /**
   * An IdP sign-in that must also pass the email code (R11, a per-workspace option): the same code step as
   * a password sign-in, completing a session of method `via` (`saml:<workspaceId>`).
   */
  async startEmailCode(
    userId: string,
    via: string,
    origin: RequestOrigin,
  ): Promise<{ challengeToken: string; expiresAt: string; email: string }> {
    const user = await this.d.repos.users.getById(userId);
    if (!user) throw AppError.notFound('Account not found.');
    return { ...(await this.#startCode(user, origin, via)), email: user.email };
  }

  /** Mails a new code for a new attempt of `user` (mail throttle per address applies). */
  async #startCode(
    user: User,
    origin: RequestOrigin,
    via?: string,
  ): Promise<{ challengeToken: string; expiresAt: string }> {
    const now = this.d.clock();
    const wait = await this.mail.take('otp', user.email, user.id, origin);
    if (wait > 0) throw AppError.rateLimited(wait / 1000);
    const challengeToken = newToken();
    const id = tokenHash(challengeToken);
    const code = newOtpCode();
    const expiresAt = new Date(now.getTime() + OTP_POLICY.ttlMs).toISOString();
    await this.d.repos.challenges.create({
      id,
      userId: user.id,
      codeHash: otpHash(id, code),
      createdAt: now.toISOString(),
      expiresAt,
      failedAttempts: 0,
      sends: 1,
      lastSentAt: now.toISOString(),
      consumedAt: null,
      ...(via ? { via } : {}),
    });
    await this.mail.send(accountMail.otp(user.email, user.locale, code));
    await this.d.audit.record('auth.otp_sent', origin, { userId: user.id }, via ? { via } : undefined);
    return { challengeToken, expiresAt };
  }

  /** The user a sign-in attempt belongs to (for per-account limits), or undefined. */
  async challengeOwner(challengeToken: string): Promise<string | undefined> {
    return (await this.d.repos.challenges.get(tokenHash(challengeToken)))?.userId;
  }

  /**
   * Step 2: the emailed code, bound to this attempt's challenge. Single use. Each wrong code is counted
   * atomically on the attempt (5 end it) and on the account's lockout, like a wrong password.
   */
  async verifyOtp(
    challengeToken: string,
    code: string,
    origin: RequestOrigin,
  ): Promise<{ sessionToken: string; userId: string }> {
    const now = this.d.clock();
    const { id, c } = await this.#liveChallenge(challengeToken, now);
    const user = await this.d.repos.users.getById(c.userId);
    if (!user || isLocked(user, now)) throw otpExpired(); // locked meanwhile: this attempt is over
    if (otpHash(id, code) !== c.codeHash) {
      const { password: rules } = await this.securityFor(c.userId);
      const r = await this.d.repos.challenges.recordCodeFailure(
        id,
        OTP_POLICY.maxFailures,
        lockout(rules, now),
      );
      if (!r) throw otpExpired(); // ended by a concurrent attempt
      await this.d.audit.record(
        'auth.otp_failed',
        origin,
        { userId: c.userId },
        { failures: r.attempts, accountFailures: r.account.failures },
      );
      if (r.account.locked && r.account.failures === rules.lockoutThreshold) {
        await this.#lockedOut(user, rules, origin);
      }
      if (r.account.locked || r.attempts >= OTP_POLICY.maxFailures) throw otpExpired();
      const left = Math.min(OTP_POLICY.maxFailures - r.attempts, rules.lockoutThreshold - r.account.failures);
      throw new AppError('OTP_INVALID', `The code is not correct. ${left} tries left.`);
    }
    // The code is used up together with the account's failure count going back to zero.
    const consumed = await this.d.tx.transaction(async (tx) => {
      if (!(await tx.accounts.challenges.consume(id, now.toISOString(), OTP_POLICY.maxFailures)))
        return false;
      await tx.accounts.users.update(c.userId, { failedSignins: 0, lockedUntil: null });
      return true;
    });
    if (!consumed) throw otpExpired();
    const sessionToken = await this.d.sessions.establish(c.userId, c.via ?? 'password+email-otp', origin);
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
    const user = await this.d.repos.users.getById(c.userId);
    if (!user || isLocked(user, now)) throw otpExpired();
    // The user is identified (right password): a full mailbox quota is said plainly.
    const throttled = await this.mail.take('otp', user.email, user.id, origin);
    if (throttled > 0) throw AppError.rateLimited(throttled / 1000);
    const code = newOtpCode();
    const expiresAt = new Date(now.getTime() + OTP_POLICY.ttlMs).toISOString();
    // Read-modify-write in one transaction: of two resends at once only one counts and mails a code.
    const counted = await this.d.tx.transaction(async (tx) => {
      const current = await tx.accounts.challenges.get(id);
      if (current?.sends !== c.sends || current.lastSentAt !== c.lastSentAt) return false;
      await tx.accounts.challenges.update(id, {
        codeHash: otpHash(id, code),
        sends: c.sends + 1,
        lastSentAt: now.toISOString(),
        expiresAt,
      });
      return true;
    });
    if (!counted) throw AppError.rateLimited(OTP_POLICY.resendIntervalMs / 1000);
    await this.mail.send(accountMail.otp(user.email, user.locale, code));
    await this.d.audit.record('auth.otp_sent', origin, { userId: user.id }, { resend: true });
    return { expiresAt };
  }

  /** Changes the password (policy + history) and ends every session of the user, this one included. */
  async changePassword(userId: string, current: string, next: string, origin: RequestOrigin): Promise<void> {
    const user = await this.d.repos.users.getById(userId);
    if (!user?.passwordHash || !(await this.#hasher.verify(current, user.passwordHash))) {
      throw new AppError('SIGNIN_FAILED', 'The current password is not correct.');
    }
    await this.checkNewPassword(userId, next);
    await this.setPassword(user, next, {});
    await this.d.audit.record('auth.password_changed', origin, { userId });
    await this.d.sessions.revokeAll(userId, origin, 'password_changed');
  }

  /**
   * Throws PASSWORD_POLICY unless `next` meets the strictest rules of the user's workspaces, and
   * PASSWORD_REUSED when it matches one of their recent passwords.
   */
  async checkNewPassword(userId: string, next: string): Promise<void> {
    const { password: rules } = await this.securityFor(userId);
    const problems = passwordProblems(next, rules);
    if (problems.length) throw passwordPolicyError(problems, rules);
    const recent = await this.d.repos.users.recentPasswordHashes(userId, Math.max(1, rules.historyCount));
    for (const h of recent) {
      if (await this.#hasher.verify(next, h)) {
        throw new AppError(
          'PASSWORD_REUSED',
          `Choose a password you have not used recently (last ${rules.historyCount}).`,
        );
      }
    }
  }

  /**
   * Stores a new (checked) password with its history, ends open sign-in attempts, and tells the user by
   * mail. With `resetToken` (the hash of a reset link), the link is used up in the same transaction and
   * nothing changes (false) when it no longer is the user's valid link.
   */
  async setPassword(
    user: User,
    next: string,
    extra: Partial<Pick<User, 'emailVerifiedAt' | 'failedSignins' | 'lockedUntil'>>,
    resetToken?: string,
  ): Promise<boolean> {
    const now = this.d.clock().toISOString();
    const hash = await this.#hasher.hash(next); // before the transaction: it awaits nothing but the store
    const changed = await this.d.tx.transaction(async (tx) => {
      // One read-and-write step first (a document store refuses reads after writes), then plain writes.
      if (resetToken) {
        if ((await tx.accounts.emailTokens.consume(resetToken, 'reset-password', now)) !== user.id)
          return false;
      } else {
        // Sign-ins half done with the old password end too (their codes stop working).
        await tx.accounts.challenges.endAllForUser(user.id, now);
      }
      await tx.accounts.users.update(user.id, { passwordHash: hash, passwordChangedAt: now, ...extra });
      await tx.accounts.users.addPasswordHistory(user.id, hash, now);
      return true;
    });
    if (!changed) return false;
    if (resetToken) await this.d.repos.challenges.endAllForUser(user.id, now);
    this.mail.notice(accountMail.passwordChanged(user.email, user.locale));
    return true;
  }

  /** The attempt behind a challenge cookie while it can still be answered; else OTP_EXPIRED. */
  async #liveChallenge(challengeToken: string, now: Date) {
    const id = tokenHash(challengeToken);
    const c = await this.d.repos.challenges.get(id);
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
    const ms = await this.d.repos.memberships.listByUser(userId);
    const wss = await this.d.repos.workspaces.listByIds(ms.map((m) => m.workspaceId));
    return strictestSecurity(wss.map((w) => resolveSecurity(w.security)));
  }

  /** A user whose every membership is disabled cannot sign in; a user with none may (to create one). */
  async #activeSomewhereOrNowhere(userId: string): Promise<boolean> {
    const ms = await this.d.repos.memberships.listByUser(userId);
    return ms.length === 0 || ms.some((m) => m.status === 'active');
  }

  async #lockedOut(user: User, rules: PasswordRules, origin: RequestOrigin): Promise<void> {
    await this.d.audit.record('auth.lockout', origin, { userId: user.id }, { minutes: rules.lockoutMinutes });
    this.mail.notice(accountMail.locked(user.email, user.locale, rules.lockoutMinutes));
  }

  /** A new verification link, queued (never awaited) and subject to the per-address throttle. */
  async #sendVerification(
    user: User,
    kind: 'signup' | 'verify',
    origin: RequestOrigin,
    invitation?: string,
  ): Promise<void> {
    const token = newToken();
    await this.d.repos.emailTokens.create({
      id: tokenHash(token),
      purpose: 'verify-email',
      userId: user.id,
      expiresAt: new Date(this.d.clock().getTime() + VERIFY_TTL_MS).toISOString(),
    });
    // Signed up from an invitation: confirming leads back to it, so the person lands in that workspace.
    const next = invitation ? `&invitation=${encodeURIComponent(invitation)}` : '';
    const link = `${this.d.publicUrl()}/verify?token=${encodeURIComponent(token)}${next}`;
    await this.mail.later(kind, user.id, accountMail.verifyEmail(user.email, user.locale, link), origin);
  }
}

/** The lockout that one more failure at `now` may trigger. */
const lockout = (rules: PasswordRules, now: Date): Lockout => ({
  threshold: rules.lockoutThreshold,
  lockUntil: new Date(now.getTime() + rules.lockoutMinutes * 60_000).toISOString(),
  now: now.toISOString(),
});

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
