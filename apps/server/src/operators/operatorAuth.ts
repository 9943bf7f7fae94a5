import { randomUUID, timingSafeEqual } from 'node:crypto';
import { opsReasonSchema } from '@tsudoi/protocol';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import type { OperatorAuditRepo } from './operatorAuditRepo.js';
import { type OperatorCredential, sha256 } from './operatorTokens.js';

/** What the check reads of a request (a Fastify request satisfies it). */
export interface OperatorRequest {
  headers: Record<string, string | string[] | undefined>;
  ip: string;
  body?: unknown;
  query?: unknown;
}

/** The operator a bearer token names, comparing SHA-256 digests in constant time; undefined when none. */
export function operatorOf(
  authorization: string | undefined,
  operators: readonly OperatorCredential[],
): string | undefined {
  if (!authorization?.startsWith('Bearer ')) return undefined;
  const given = sha256(authorization.slice('Bearer '.length));
  let found: string | undefined;
  // Every credential is compared (no early exit), so timing says nothing about which one matched.
  for (const o of operators) if (timingSafeEqual(given, o.tokenSha256) && !found) found = o.name;
  return found;
}

/** The reason an operator gives: header `x-ops-reason` (percent-encoded for non-ASCII), or `reason`. */
export function reasonOf(req: OperatorRequest): string | undefined {
  const header = req.headers['x-ops-reason'];
  let raw: unknown = Array.isArray(header) ? header[0] : header;
  if (typeof raw === 'string') {
    try {
      raw = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
  }
  raw ??= (req.body as { reason?: unknown } | undefined)?.reason;
  raw ??= (req.query as { reason?: unknown } | undefined)?.reason;
  const r = opsReasonSchema.safeParse(raw);
  return r.success ? r.data : undefined;
}

/** Who acted and why, once {@link OperatorGate.require} let the request through. */
export interface OperatorAct {
  operator: string;
  reason: string;
}

/**
 * The operator check every operator endpoint shares (R22): a configured operator's bearer token
 * (`OPS_TOKENS`, or `OPS_TOKEN` as "ops"; otherwise 404, so the endpoints are not advertised), a reason
 * (OPS_REASON_REQUIRED), and an entry in the append-only operator audit log — written before the data is
 * read, so an access that cannot be logged does not happen.
 */
export class OperatorGate {
  constructor(
    private readonly d: {
      operators: readonly OperatorCredential[];
      audit: Pick<OperatorAuditRepo, 'append'>;
      clock: Clock;
    },
  ) {}

  /** Whether any operator is configured (the endpoints exist). */
  get enabled(): boolean {
    return this.d.operators.length > 0;
  }

  async require(req: OperatorRequest, action: string, workspaceId: string | null): Promise<OperatorAct> {
    const auth = req.headers.authorization;
    const operator = operatorOf(Array.isArray(auth) ? auth[0] : auth, this.d.operators);
    if (!operator) throw AppError.notFound();
    const reason = reasonOf(req);
    if (!reason)
      throw new AppError(
        'OPS_REASON_REQUIRED',
        'Say why: an x-ops-reason header (3–500 characters, percent-encoded) or "reason".',
      );
    await this.d.audit.append({
      id: randomUUID(),
      at: this.d.clock().toISOString(),
      operator,
      action,
      workspaceId,
      reason,
      ip: req.ip ?? null,
    });
    return { operator, reason };
  }
}
