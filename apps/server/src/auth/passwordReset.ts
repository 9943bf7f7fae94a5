import type { AuditLog, RequestOrigin } from '../audit/auditLog.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import type { AccountMailer } from './accountMailer.js';
import type { AuthRepos, AuthService } from './authService.js';
import { accountMail } from './mailTemplates.js';
import { pendingInvitationFor } from './pendingInvitation.js';
import type { SessionService } from './sessionService.js';
import { newToken, tokenHash } from './tokens.js';

/** A reset link works once, for one hour (ASVS 5.0 §6.4). */
export const RESET_TTL_MS = 3_600_000;

export interface PasswordResetDeps {
  repos: Pick<AuthRepos, 'users' | 'emailTokens' | 'invitations'>;
  audit: AuditLog;
  sessions: SessionService;
  clock: Clock;
  publicUrl: () => string;
  auth: Pick<AuthService, 'checkNewPassword' | 'setPassword'>;
  mail: AccountMailer;
}

/**
 * The forgotten-password flow: a mailed single-use link (only its hash is stored), then a new password
 * under the strictest policy of the user's workspaces; every session ends.
 */
export class PasswordReset {
  constructor(private readonly d: PasswordResetDeps) {}

  /**
   * Mails a reset link when the address has an account with a password. The caller answers the same in
   * every case; the work is alike too (a lookup, a throttle count, an access-log entry, no hashing).
   * `invitation`: asked for on an invitation's page; when it names a pending invitation to this address,
   * the link carries it, so the page after the new password leads back to the invitation.
   */
  async request(email: string, origin: RequestOrigin, invitation?: string): Promise<void> {
    const now = this.d.clock();
    const user = await this.d.repos.users.getByEmail(email);
    const known = user?.passwordHash ? user : undefined; // no password (identity provider only): no reset
    const throttled = (await this.d.mail.take('reset', email, known?.id ?? null, origin)) > 0;
    // Looked up for every address alike (the answer and the work must not tell accounts apart).
    const back = await pendingInvitationFor(this.d.repos.invitations, invitation, email, now);
    const token = newToken();
    await this.d.audit.record(
      'auth.password_reset_requested',
      origin,
      { userId: known?.id ?? null },
      { mailed: Boolean(known) && !throttled },
    );
    if (!known || throttled) return;
    await this.d.repos.emailTokens.create({
      id: tokenHash(token),
      purpose: 'reset-password',
      userId: known.id,
      expiresAt: new Date(now.getTime() + RESET_TTL_MS).toISOString(),
    });
    const query = new URLSearchParams({ token, ...(back ? { invitation: back } : {}) });
    const link = `${this.d.publicUrl()}/reset-password?${query}`;
    this.d.mail.notice(accountMail.passwordReset(known.email, known.locale, link));
  }

  /**
   * Sets the new password from a reset link. A password the policy refuses leaves the link usable; a
   * used, expired or unknown link is LINK_INVALID. Clears a lockout (the mailbox proved the owner) and
   * confirms the email address; ends every session and uses up the user's other reset links.
   */
  async reset(token: string, newPassword: string, origin: RequestOrigin): Promise<void> {
    const now = this.d.clock().toISOString();
    const id = tokenHash(token);
    const tokens = this.d.repos.emailTokens;
    const userId = await tokens.find(id, 'reset-password', now);
    const user = userId ? await this.d.repos.users.getById(userId) : undefined;
    if (!user) throw linkInvalid();
    await this.d.auth.checkNewPassword(user.id, newPassword);
    // The link is used up in the same transaction as the new password is stored (a lost race changes nothing).
    const extra = {
      failedSignins: 0,
      lockedUntil: null,
      ...(user.emailVerifiedAt ? {} : { emailVerifiedAt: now }),
    };
    if (!(await this.d.auth.setPassword(user, newPassword, extra, id))) throw linkInvalid();
    await tokens.revokeAll(user.id, 'reset-password', now);
    await this.d.audit.record('auth.password_reset', origin, { userId: user.id });
    await this.d.sessions.revokeAll(user.id, origin, 'password_reset');
  }
}

const linkInvalid = () => new AppError('LINK_INVALID', 'This link has expired or was already used.');
