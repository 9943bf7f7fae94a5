import type { AuditLog, RequestOrigin } from '../audit/auditLog.js';
import type { Clock } from '../clock.js';
import { EnhancedEventEmitter } from '../enhancedEvents.js';
import type { Session, SessionRepo, User, UserRepo } from './accountStore.js';
import { type SessionEndReason, type SessionTimeouts, sessionEnd } from './sessionPolicy.js';
import { newToken, tokenHash } from './tokens.js';

export type { SessionEndReason, SessionTimeouts };

/** One session, or every session of a user (`sessionId: null`), ended. */
export interface SessionEnded {
  userId: string;
  sessionId: string | null;
  reason: SessionEndReason;
}

export interface SessionEvents {
  /** Fired after the store forgot the session(s): whatever still uses them must stop now. */
  ended: [SessionEnded];
}

/** A session in use by open connections (sockets); watched for its absolute expiry. */
interface Held {
  userId: string;
  expiresAt: number;
  lastTouched: number;
  refs: number;
}

/** How often sessions held by open sockets are checked: their expiry takes effect within this. */
const DEFAULT_WATCH_MS = 500;
/** An open socket counts as use; it is written to the store at most this often. */
const TOUCH_MS = 60_000;

const REVOKE_REASONS: Record<string, SessionEndReason> = {
  password_changed: 'passwordChanged',
  // A forgotten-password reset: to the person, their password changed.
  password_reset: 'passwordChanged',
  admin_signout: 'adminSignedOut',
  member_disabled: 'membershipDisabled',
};

/**
 * Server-side sessions: the cookie holds a random token, the store only its hash (the session id).
 * Every way a session ends — sign-out, expiry, password change, admin sign-out — emits `ended`, so the
 * realtime layer disconnects that session's sockets at once instead of at a periodic check.
 */
export class SessionService extends EnhancedEventEmitter<SessionEvents> {
  readonly #held = new Map<string, Held>();
  #watch: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    private readonly repos: { sessions: SessionRepo; users: Pick<UserRepo, 'getById'> },
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    readonly timeouts: SessionTimeouts,
    private readonly watchMs = DEFAULT_WATCH_MS,
  ) {
    super();
  }

  /** The session id (stored key) of a cookie token. */
  static idOf(token: string): string {
    return tokenHash(token);
  }

  /** Starts a session for a user whose identity is proven (password + code, or an identity provider). */
  async establish(userId: string, method: string, origin: RequestOrigin): Promise<string> {
    const now = this.clock();
    const token = newToken();
    await this.repos.sessions.create({
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
    const session = await this.repos.sessions.get(id);
    if (!session) return undefined;
    const now = this.clock().getTime();
    const over = sessionEnd(session, now, this.timeouts, this.#held.has(id));
    if (over) {
      await this.#end(session.userId, id, over);
      return undefined;
    }
    const user = await this.repos.users.getById(session.userId);
    if (!user) return undefined;
    // Touch at most once a minute: enough for idle tracking, without a write per request.
    if (now - Date.parse(session.lastSeenAt) > TOUCH_MS) {
      await this.repos.sessions.touch(id, new Date(now).toISOString());
    }
    return { session, user };
  }

  /** Whether a session (by id) still exists and has not expired; read-only. */
  async isLive(sessionId: string): Promise<boolean> {
    const s = await this.repos.sessions.get(sessionId);
    return !!s && !sessionEnd(s, this.clock().getTime(), this.timeouts, this.#held.has(sessionId));
  }

  async signout(token: string, origin: RequestOrigin): Promise<void> {
    const id = tokenHash(token);
    const session = await this.repos.sessions.get(id);
    if (!session) return;
    await this.#end(session.userId, id, 'signedOut');
    await this.audit.record('auth.signout', origin, { userId: session.userId });
  }

  /** Ends every session of a user (password change or reset, admin sign-out, last membership disabled). */
  async revokeAll(userId: string, origin: RequestOrigin, reason: string): Promise<number> {
    const n = await this.repos.sessions.deleteAllForUser(userId);
    this.#ended({ userId, sessionId: null, reason: REVOKE_REASONS[reason] ?? 'revoked' });
    await this.audit.record('auth.sessions_revoked', origin, { userId }, { reason, sessions: n });
    return n;
  }

  /**
   * An open connection (a socket) uses this session until the returned release is called. While held,
   * the session counts as in use (no idle expiry; `lastSeenAt` is refreshed once a minute) and its
   * absolute expiry ends it within `watchMs`, emitting `ended` like any other end.
   */
  hold(session: Session): () => void {
    if (this.#closed) return () => {};
    const held = this.#held.get(session.id) ?? {
      userId: session.userId,
      expiresAt: Date.parse(session.expiresAt),
      lastTouched: this.clock().getTime(),
      refs: 0,
    };
    held.refs++;
    this.#held.set(session.id, held);
    this.#startWatch();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const h = this.#held.get(session.id);
      if (h !== held || --held.refs > 0) return;
      this.#held.delete(session.id);
      if (this.#held.size === 0) this.#stopWatch();
    };
  }

  /** Stops watching held sessions. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopWatch();
    this.#held.clear();
    this.removeAllListeners();
  }

  async #end(userId: string, sessionId: string, reason: SessionEndReason): Promise<void> {
    await this.repos.sessions.delete(sessionId);
    this.#ended({ userId, sessionId, reason });
  }

  #ended(e: SessionEnded): void {
    if (e.sessionId) this.#held.delete(e.sessionId);
    else for (const [id, h] of this.#held) if (h.userId === e.userId) this.#held.delete(id);
    if (this.#held.size === 0) this.#stopWatch();
    this.safeEmit('ended', e);
  }

  #startWatch(): void {
    if (this.#watch) return;
    this.#watch = setInterval(() => this.#check(), this.watchMs);
    this.#watch.unref();
  }

  #stopWatch(): void {
    clearInterval(this.#watch);
    this.#watch = undefined;
  }

  #check(): void {
    const now = this.clock().getTime();
    for (const [id, h] of this.#held) {
      if (now >= h.expiresAt) {
        this.#held.delete(id);
        this.#end(h.userId, id, 'expired').catch(() =>
          this.#ended({ userId: h.userId, sessionId: id, reason: 'expired' }),
        );
      } else if (now - h.lastTouched >= TOUCH_MS) {
        h.lastTouched = now;
        void this.#touchHeld(id, h, now);
      }
    }
    if (this.#held.size === 0) this.#stopWatch();
  }

  /** Open sockets count as use; a session deleted meanwhile by another server instance ends here too. */
  async #touchHeld(id: string, h: Held, now: number): Promise<void> {
    try {
      if (!(await this.repos.sessions.get(id))) {
        if (this.#held.get(id) === h) this.#ended({ userId: h.userId, sessionId: id, reason: 'revoked' });
        return;
      }
      await this.repos.sessions.touch(id, new Date(now).toISOString());
    } catch {
      // A failed touch is retried a minute later; the session is still valid meanwhile.
    }
  }
}
