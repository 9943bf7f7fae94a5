import { randomUUID } from 'node:crypto';
import type { ImportPreview, ImportResult, ImportRowResult } from '@tsudoi/protocol';
import type { AuditLog, RequestOrigin } from '../../audit/auditLog.js';
import type { AccountStore, Invitation, Membership, User } from '../../auth/accountStore.js';
import { accountMail } from '../../auth/mailTemplates.js';
import { RateLimiter } from '../../auth/rateLimiter.js';
import { newToken, tokenHash } from '../../auth/tokens.js';
import type { Clock } from '../../clock.js';
import { AppError } from '../../errors.js';
import type { UnitOfWork } from '../../unitOfWork.js';
import { PLAN_FEATURES } from '../planPolicy.js';
import type { Workspace, WorkspaceRepo } from '../workspaceRepo.js';
import type { InvitationMail } from '../workspaceService.js';
import { importReportCsv } from './importReport.js';
import { parseImportCsv } from './parseImportCsv.js';
import { type ImportContext, validateImport } from './validateImport.js';

const INVITE_TTL_MS = 7 * 86_400_000;
const HOUR_MS = 3_600_000;
/**
 * Applies per admin and hour. An import is bounded by the file (5,000 rows) and the plan's member limit,
 * and it is Enterprise-only (plans are set by the operator), so it does not count against the per-admin
 * invitation limit meant for self-service workspaces; the per-address mail throttle still holds.
 */
const APPLIES_PER_HOUR = 10;
const PREVIEWS_PER_HOUR = 120;
/** Account look-ups (for the mail's language) run this many at a time. */
const LOOKUP_CHUNK = 25;

type Accounts = Pick<AccountStore, 'memberships' | 'invitations'>;

export interface CsvImportDeps {
  /** Reads the workspace, its members and invitations and creates every invitation as one unit. */
  tx: UnitOfWork<{ workspaces: WorkspaceRepo; accounts: Accounts }>;
  workspaces: Pick<WorkspaceRepo, 'get'>;
  accounts: Accounts & { users: Pick<AccountStore['users'], 'getByEmail'> };
  mail: InvitationMail;
  audit: AuditLog;
  clock: Clock;
  publicUrl: () => string;
}

/** The uploaded body as the route received it. */
export interface Upload {
  bytes: Uint8Array | undefined;
  contentType: string | undefined;
}

const FILE_MESSAGES = {
  notCsv: 'The file is not a CSV file (send it as text/csv).',
  badEncoding: 'The file is neither UTF-8 nor Shift_JIS text.',
  tooLarge: 'The file is larger than 1 MB.',
  empty: 'The file has no header row or no data rows.',
  malformed: 'The file is not valid CSV (check the quotes).',
  missingColumns: 'The header row must name the columns email, display name and role.',
  tooManyRows: 'The file has more than 5,000 rows.',
} as const;

/**
 * CSV user import (R15, Enterprise): a preview that writes nothing, and an apply that creates every
 * invitation in one unit of work or none, then mails them. No password is ever set for anyone (R9): the
 * invitees sign up (or sign in) and choose their own. The caller has passed the route's gate as an admin.
 */
export class CsvImportService {
  readonly #applies = new RateLimiter(APPLIES_PER_HOUR, HOUR_MS);
  readonly #previews = new RateLimiter(PREVIEWS_PER_HOUR, HOUR_MS);

  constructor(private readonly d: CsvImportDeps) {}

  async preview(workspaceId: string, adminId: string, upload: Upload): Promise<ImportPreview> {
    const ws = await this.#enterprise(workspaceId);
    this.#limit(this.#previews, adminId);
    const parsed = this.#parse(upload);
    const [members, invitations] = await Promise.all([
      this.d.accounts.memberships.listByWorkspace(workspaceId),
      this.d.accounts.invitations.listByWorkspace(workspaceId),
    ]);
    const rows = validateImport(parsed.rows, this.#context(ws, members, invitations));
    return summary(parsed.encoding, rows);
  }

  async apply(
    workspaceId: string,
    admin: User,
    upload: Upload,
    origin: RequestOrigin,
  ): Promise<ImportResult> {
    await this.#enterprise(workspaceId);
    this.#limit(this.#applies, admin.id);
    const parsed = this.#parse(upload);
    const now = this.d.clock();
    // Tokens and ids are made before the unit of work, which may run more than once.
    const tokens = parsed.rows.map(() => {
      const token = newToken();
      return { id: randomUUID(), token, hash: tokenHash(token) };
    });
    const { ws, rows } = await this.d.tx.transaction(async (tx) => {
      const ws = await tx.workspaces.get(workspaceId);
      if (!ws) throw AppError.notFound('Workspace not found.');
      requireEnterprise(ws); // the plan may have changed since the check above
      const members = await tx.accounts.memberships.listByWorkspace(workspaceId);
      const invitations = await tx.accounts.invitations.listByWorkspace(workspaceId);
      const rows = validateImport(parsed.rows, this.#context(ws, members, invitations));
      // All or nothing: one bad row and nothing is written.
      if (rows.some((r) => r.status !== 'ok')) return { ws, rows };
      for (const [i, r] of rows.entries()) {
        await tx.accounts.invitations.create(invitation(ws.id, r, admin.id, tokens[i]!, now));
      }
      return { ws, rows: rows.map((r): ImportRowResult => ({ ...r, status: 'invited' })) };
    });
    const applied = rows.every((r) => r.status === 'invited');
    const importId = randomUUID();
    if (applied) await this.#mail(ws, admin, rows, tokens, origin);
    const invited = applied ? rows.length : 0;
    await this.d.audit.record(
      'admin.users_imported',
      origin,
      { userId: admin.id, workspaceId },
      {
        importId,
        rows: rows.length,
        invited,
        invalid: rows.filter((r) => r.status === 'invalid').length,
        applied,
      },
    );
    return { ...summary(parsed.encoding, rows), importId, applied, invited };
  }

  /**
   * Mails after the commit, each through the per-address throttle (held back silently, as for `invite`),
   * in the invitee's language when they already have an account. Accounts are looked up a chunk at a time:
   * one read per row in sequence takes seconds on Firestore for a few hundred rows.
   */
  async #mail(
    ws: Workspace,
    admin: User,
    rows: readonly ImportRowResult[],
    tokens: ReadonlyArray<{ token: string }>,
    origin: RequestOrigin,
  ): Promise<void> {
    for (let start = 0; start < rows.length; start += LOOKUP_CHUNK) {
      const chunk = rows.slice(start, start + LOOKUP_CHUNK);
      const accounts = await Promise.all(chunk.map((r) => this.d.accounts.users.getByEmail(r.email)));
      for (const [j, r] of chunk.entries()) {
        if ((await this.d.mail.take('invite', r.email, admin.id, origin, ws.id)) > 0) continue;
        const link = `${this.d.publicUrl()}/invite/${encodeURIComponent(tokens[start + j]!.token)}`;
        const locale = accounts[j]?.locale ?? admin.locale;
        this.d.mail.queue(accountMail.invitation(r.email, locale, ws.name, admin.displayName, link));
      }
    }
  }

  async #enterprise(workspaceId: string): Promise<Workspace> {
    const ws = await this.d.workspaces.get(workspaceId);
    if (!ws) throw AppError.notFound('Workspace not found.');
    requireEnterprise(ws);
    return ws;
  }

  #limit(limiter: RateLimiter, adminId: string): void {
    const wait = limiter.hit(adminId, this.d.clock().getTime());
    if (wait > 0) throw AppError.rateLimited(wait / 1000);
  }

  #parse(upload: Upload) {
    const type = upload.contentType?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'text/csv' || !upload.bytes) throw fileError('notCsv');
    const parsed = parseImportCsv(upload.bytes);
    if (!parsed.ok) throw fileError(parsed.problem, parsed.detail);
    return parsed;
  }

  #context(
    ws: Workspace,
    members: readonly (Membership & { email: string })[],
    invitations: readonly Invitation[],
  ): ImportContext {
    const at = this.d.clock().toISOString();
    const pending = invitations.filter((i) => !i.acceptedAt && !i.revokedAt && i.expiresAt > at);
    const active = members.filter((m) => m.status === 'active').length;
    return {
      members: new Set(members.map((m) => m.email.toLowerCase())),
      invited: new Set(pending.map((i) => i.email.toLowerCase())),
      // Pending invitations hold a seat: each may become a member.
      seats: Math.max(0, PLAN_FEATURES[ws.plan].maxMembers - active - pending.length),
    };
  }
}

function requireEnterprise(ws: Workspace): void {
  if (!PLAN_FEATURES[ws.plan].csvImport)
    throw new AppError('PLAN_REQUIRED', 'Importing users from CSV needs the Enterprise plan.');
}

function fileError(problem: keyof typeof FILE_MESSAGES, detail?: string): AppError {
  return new AppError('CSV_INVALID', FILE_MESSAGES[problem] + (detail ? ` (${detail})` : ''), {
    fields: { file: problem },
  });
}

function invitation(
  workspaceId: string,
  r: ImportRowResult,
  invitedBy: string,
  t: { id: string; hash: string },
  now: Date,
): Invitation {
  return {
    id: t.id,
    workspaceId,
    tokenHash: t.hash,
    email: r.email,
    role: r.role === 'admin' ? 'admin' : 'member',
    invitedBy,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + INVITE_TTL_MS).toISOString(),
    acceptedAt: null,
    revokedAt: null,
  };
}

function summary(encoding: ImportPreview['encoding'], rows: ImportRowResult[]): ImportPreview {
  const invalid = rows.filter((r) => r.status === 'invalid').length;
  return { encoding, rows, valid: rows.length - invalid, invalid, report: importReportCsv(rows) };
}
