import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.js';
import { addressKey } from '../http/clientIp.js';
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
  | 'check_refused'
  /** A member was refused by a workspace rule (its IP allow-list) at an HTTP route or a socket. */
  | 'access_refused';

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
 * The operator log gets the first event per (type, client address, kind: code/reason/route) and then
 * at most one line per this interval, which carries `suppressed`: how many like it were not written since the previous line.
 */
const OPERATOR_LOG_INTERVAL_MS = 60_000;
/** Bounded memory: past this many (type, address, kind) keys, further addresses share one key per type. */
const MAX_KEYS = 10_000;

/**
 * Detail fields that tell kinds of refusal apart (a code, a reason, a route pattern, a socket event):
 * each has a small fixed set of values. Numbers that vary per event (retry times) are left out, so a
 * flood of one kind shares one key.
 */
const KIND_FIELDS = ['code', 'reason', 'method', 'route', 'socketEvent', 'disconnected', 'layer'] as const;

/** The kind of an event within its type, from {@link KIND_FIELDS}. */
function kindOf(e: SecurityEvent): string {
  return KIND_FIELDS.map((f) => {
    const v = e.detail?.[f];
    return typeof v === 'string' || typeof v === 'boolean' ? String(v).slice(0, 100) : '';
  }).join('|');
}

/** One operator-log sampling key: when its last line was written, and what was held back since. */
interface Sample {
  at: number;
  suppressed: number;
  type: SecurityEventType;
  ip: string | null;
}

/**
 * Records security events in the operator log (pino, `event: 'security.<type>'`, with IP and time) and
 * in the workspace's access log when the workspace is known and exists. A flood does not write a line
 * per request: per (type, client address — an IPv6 /64 counts as one —, kind) the first event is written,
 * then at most one a minute with the number `suppressed` since the previous line; counts still held
 * back when no further event comes are written by the next minute's sweep or {@link flush}. Never
 * throws and never waits: a refusal path must not become slower or fail because logging did.
 */
export class SecurityEvents {
  readonly #lastWritten = new Map<string, number>();
  readonly #samples = new Map<string, Sample>();
  #sweptAt = Number.NEGATIVE_INFINITY;

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
    const suppressed = this.#sample(e, at.getTime());
    if (suppressed !== undefined)
      this.d.log.warn(
        {
          // Details first: a detail key can never overwrite the event name, IP, time or who.
          ...e.detail,
          event: `security.${e.type}`,
          ip: e.ip,
          at: at.toISOString(),
          ...(e.workspaceId ? { workspaceId: e.workspaceId } : {}),
          ...(e.userId ? { userId: e.userId } : {}),
          ...(suppressed > 0 ? { suppressed } : {}),
        },
        `security event: ${e.type}`,
      );
    if (!e.workspaceId || !this.#due(`${e.type}|${e.ip}|${e.workspaceId}`, at.getTime())) return;
    this.#toAccessLog(e, e.workspaceId).catch((err) =>
      this.d.log.error({ err, event: `security.${e.type}` }, 'security event: access log write failed'),
    );
  }

  /** Writes the counts still held back (at shutdown): a flood that stopped is still reported. */
  flush(): void {
    for (const [key, sample] of this.#samples) {
      this.#reportSuppressed(sample);
      this.#samples.delete(key);
    }
  }

  /** `undefined`: hold this one back (counted); else write it, with the count held back before it. */
  #sample(e: SecurityEvent, now: number): number | undefined {
    let key = `${e.type}|${addressKey(e.ip ?? '')}|${kindOf(e)}`;
    // Still full after the sweep: addresses beyond the bound share one key per type.
    if (!this.#samples.has(key) && this.#samples.size >= MAX_KEYS) key = `${e.type}|*`;
    const sample = this.#samples.get(key);
    if (sample && now - sample.at < OPERATOR_LOG_INTERVAL_MS) {
      sample.suppressed += 1;
      this.#sweep(now);
      return undefined;
    }
    this.#samples.set(key, { at: now, suppressed: 0, type: e.type, ip: e.ip });
    this.#sweep(now); // after this key is fresh: its own count goes on the line written now
    return sample?.suppressed ?? 0;
  }

  /** Once a minute: forgets quiet keys, writing the counts they still held back. */
  #sweep(now: number): void {
    if (now - this.#sweptAt < OPERATOR_LOG_INTERVAL_MS) return;
    this.#sweptAt = now;
    for (const [key, sample] of this.#samples) {
      if (now - sample.at < OPERATOR_LOG_INTERVAL_MS) continue;
      this.#reportSuppressed(sample);
      this.#samples.delete(key);
    }
  }

  #reportSuppressed(sample: Sample): void {
    if (sample.suppressed === 0) return;
    this.d.log.warn(
      {
        event: `security.${sample.type}`,
        ip: sample.ip,
        at: this.d.clock().toISOString(),
        suppressed: sample.suppressed,
        since: new Date(sample.at).toISOString(),
      },
      `security event: ${sample.type} (repeats held back)`,
    );
    sample.suppressed = 0;
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
