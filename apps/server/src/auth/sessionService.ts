import type { AuditLog, RequestOrigin } from '../audit/auditLog.js';
import type { Clock } from '../clock.js';
import type { Store } from '../storage/store.js';
import type { Session, User } from './accountStore.js';
import { newToken, tokenHash } from './tokens.js';

export interface SessionTimeouts {
  /** A session unused for this long ends. */
  idleMs: number;
  /** A session ends this long after sign-in, however active. */
  absoluteMs: number;
}

/** Server-side sessions: the cookie holds a random token, the store only its hash. */
export class SessionService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    readonly timeouts: SessionTimeouts,
  ) {}

  /** Starts a session for a user whose identity is proven (password + code, or an identity provider). */
  async establish(userId: string, method: string, origin: RequestOrigin): Promise<string> {
    const now = this.clock();
    const token = newToken();
    await this.store.accounts.sessions.create({
      id: tokenHash(token),
      userId,
      csrfToken: newToken(),
      method,
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.timeouts.absoluteMs).toISOString(),
      ip: origin.ip,
      userAgent: origin.userAgent?.slice(0, 512) ?? null,
    });
    await this.audit.record('auth.signin', origin, { userId }, { method });
    return token;
  }

  /** The live session and its user for a cookie token, or undefined (expired ones are deleted). */
  async authenticate(token: string | undefined): Promise<{ session: Session; user: User } | undefined> {
    if (!token || token.length > 100) return undefined;
    const id = tokenHash(token);
    const session = await this.store.accounts.sessions.get(id);
    if (!session) return undefined;
    const now = this.clock().getTime();
    const idleEnds = Date.parse(session.lastSeenAt) + this.timeouts.idleMs;
    if (now >= Date.parse(session.expiresAt) || now >= idleEnds) {
      await this.store.accounts.sessions.delete(id);
      return undefined;
    }
    const user = await this.store.accounts.users.getById(session.userId);
    if (!user) return undefined;
    // Touch at most once a minute: enough for idle tracking, without a write per request.
    if (now - Date.parse(session.lastSeenAt) > 60_000) {
      await this.store.accounts.sessions.touch(id, new Date(now).toISOString());
    }
    return { session, user };
  }

  async signout(token: string, origin: RequestOrigin): Promise<void> {
    const id = tokenHash(token);
    const session = await this.store.accounts.sessions.get(id);
    if (!session) return;
    await this.store.accounts.sessions.delete(id);
    await this.audit.record('auth.signout', origin, { userId: session.userId });
  }

  /** Ends every session of a user (password change, account disabled). */
  async revokeAll(userId: string, origin: RequestOrigin, reason: string): Promise<number> {
    const n = await this.store.accounts.sessions.deleteAllForUser(userId);
    await this.audit.record('auth.sessions_revoked', origin, { userId }, { reason, sessions: n });
    this.onRevoked?.(userId);
    return n;
  }

  /** Set by the realtime gateway to disconnect the user's sockets when their sessions end. */
  onRevoked: ((userId: string) => void) | undefined;
}
