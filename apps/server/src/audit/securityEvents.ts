import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.js';
import type { AuditEventType, AuditLog, RequestOrigin } from './auditLog.js';

/** Refusals an operator (and a workspace admin, where the workspace is known) should see. */
export type SecurityEventType =
  /** A state-changing request without the session's CSRF token, or from a foreign origin. */
  | 'csrf_refused'
  /** A rate limit answered RATE_LIMITED (HTTP or socket). */
  | 'rate_limited'
  /** A workspace route answered NOT_FOUND: usually someone probing another tenant's ids. */
  | 'not_found'
  /** A socket handshake was refused (foreign origin, no session, not a member, old protocol). */
  | 'handshake_refused'
  /** An anonymous connection check was refused (per-IP or global cap). */
  | 'check_refused';

export interface SecurityEvent {
  type: SecurityEventType;
  /** Client IP per http/clientIp.ts (never a raw X-Forwarded-For). */
  ip: string | null;
  userAgent?: string | null;
  /** The workspace the refused action aimed at, when known (it then lands in that access log). */
  workspaceId?: string;
  userId?: string | null;
  /** Stable, content-free facts: a code, a route pattern, a reason. Never tokens or raw URLs. */
  detail?: Record<string, string | number | boolean | null>;
}

/** Access-log rows are written at most once per (event, IP, workspace) per this interval: floods stay cheap. */
const ACCESS_LOG_INTERVAL_MS = 60_000;

/**
 * Records security events: every one in the operator log (pino, `event: 'security.<type>'`, with IP and
 * time), and in the workspace's access log when the workspace is known and exists. Never throws and never
 * waits: a refusal path must not become slower or fail because logging did.
 */
export class SecurityEvents {
  readonly #lastWritten = new Map<string, number>();

  constructor(
    private readonly d: {
      log: FastifyBaseLogger;
      audit: AuditLog;
      clock: Clock;
      /** Whether a workspace id names a real workspace (ids in URLs are attacker-chosen). */
      workspaceExists: (id: string) => Promise<boolean>;
    },
  ) {}

  record(e: SecurityEvent): void {
    const at = this.d.clock();
    this.d.log.warn(
      {
        // Details first: a detail key can never overwrite the event name, IP, time or who.
        ...e.detail,
        event: `security.${e.type}`,
        ip: e.ip,
        at: at.toISOString(),
        ...(e.workspaceId ? { workspaceId: e.workspaceId } : {}),
        ...(e.userId ? { userId: e.userId } : {}),
      },
      `security event: ${e.type}`,
    );
    if (!e.workspaceId || !this.#due(`${e.type}|${e.ip}|${e.workspaceId}`, at.getTime())) return;
    this.#toAccessLog(e, e.workspaceId).catch((err) =>
      this.d.log.error({ err, event: `security.${e.type}` }, 'security event: access log write failed'),
    );
  }

  async #toAccessLog(e: SecurityEvent, workspaceId: string): Promise<void> {
    if (!(await this.d.workspaceExists(workspaceId))) return;
    const origin: RequestOrigin = { ip: e.ip, userAgent: e.userAgent ?? null };
    const type: AuditEventType = `security.${e.type}`;
    await this.d.audit.record(type, origin, { userId: e.userId ?? null, workspaceId }, e.detail ?? {});
  }

  #due(key: string, now: number): boolean {
    const last = this.#lastWritten.get(key);
    if (last !== undefined && now - last < ACCESS_LOG_INTERVAL_MS) return false;
    if (this.#lastWritten.size >= 10_000) {
      for (const [k, t] of this.#lastWritten)
        if (now - t >= ACCESS_LOG_INTERVAL_MS) this.#lastWritten.delete(k);
      // Still full: a flood from many addresses; the operator log has every event, the DB takes no more.
      if (this.#lastWritten.size >= 10_000) return false;
    }
    this.#lastWritten.set(key, now);
    return true;
  }
}
