import { randomUUID } from 'node:crypto';
import type { ImportPreview, ImportResult, ImportRowResult } from '@tsudoi/protocol';
import type { AuditLog, RequestOrigin } from '../../audit/auditLog.js';
import type { AccountStore, Invitation, Membership, User } from '../../auth/accountStore.js';
import { accountMail } from '../../auth/mailTemplates.js';
import { RateLimiter } from '../../auth/rateLimiter.js';
import { newToken, tokenHash } from '../../auth/tokens.js';
import type { Clock } from '../../clock.js';
import { AppError } from '../../errors.js';
import type { SharedLimits } from '../../scaling/sharedLimits.js';
import type { UnitOfWork } from '../../unitOfWork.js';
import { PLAN_FEATURES } from '../planPolicy.js';
import { resolveSecurity } from '../security.js';
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
  /**
   * Reads the workspace, its members and invitations and creates every invitation (and, where SSO is
   * required, every SSO-only account and membership) as one unit.
   */
  tx: UnitOfWork<{
    workspaces: WorkspaceRepo;
    accounts: Accounts & { users: Pick<AccountStore['users'], 'insert'> };
  }>;
  workspaces: Pick<WorkspaceRepo, 'get'>;
  accounts: Accounts & { users: Pick<AccountStore['users'], 'getByEmail'> };
  mail: InvitationMail;
  audit: AuditLog;
  clock: Clock;
  publicUrl: () => string;
  /** Several nodes: previews and applies per admin counted in Redis. */
  sharedLimits?: SharedLimits;
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
  readonly #applies: RateLimiter;
  readonly #previews: RateLimiter;

  constructor(private readonly d: CsvImportDeps) {
    const shared = (name: string) => (d.sharedLimits ? { limits: d.sharedLimits, name } : undefined);
    this.#applies = new RateLimiter(APPLIES_PER_HOUR, HOUR_MS, shared('csv-apply'));
    this.#previews = new RateLimiter(PREVIEWS_PER_HOUR, HOUR_MS, shared('csv-preview'));
  }

  async preview(workspaceId: string, adminId: string, upload: Upload): Promise<ImportPreview> {
    const ws = await this.#enterprise(workspaceId);
    await this.#limit(this.#previews, adminId);
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
    await this.#limit(this.#applies, admin.id);
    const parsed = this.#parse(upload);
    const now = this.d.clock();
    // Tokens and ids are made before the unit of work, which may run more than once.
    const tokens = parsed.rows.map(() => {
      const token = newToken();
      return { id: randomUUID(), token, hash: tokenHash(token) };
    });
    // Which addresses have an account already (outside the unit of work: one read per row inside it takes
    // seconds on Firestore); an account made meanwhile makes `users.create` fail and the unit with it.
    const accounts = await this.#accountsOf(parsed.rows.map((r) => r.email));
    const { ws, rows } = await this.d.tx.transaction(async (tx) => {
      const ws = await tx.workspaces.get(workspaceId);
      if (!ws) throw AppError.notFound('Workspace not found.');
      requireEnterprise(ws); // the plan may have changed since the check above
      const members = await tx.accounts.memberships.listByWorkspace(workspaceId);
      const invitations = await tx.accounts.invitations.listByWorkspace(workspaceId);
      const rows = validateImport(parsed.rows, this.#context(ws, members, invitations));
      // All or nothing: one bad row and nothing is written.
      if (rows.some((r) => r.status !== 'ok')) return { ws, rows };
      const ssoOnly = ssoRequired(ws);
      const asMember = (r: ImportRowResult) => ssoOnly && !accounts.get(r.email);
      // The unit's one atomic step, after the plain reads and before the plain writes: every invitation,
      // unless an address was invited meanwhile (then nothing, and the admin imports again).
      const invites = rows.flatMap((r, i) =>
        asMember(r) ? [] : [invitation(ws.id, r, admin.id, tokens[i]!, now)],
      );
      const clash = await tx.accounts.invitations.createAllNew(invites, now.toISOString());
      if (clash) throw AppError.conflict(`${clash.pending} was invited meanwhile: import the file again.`);
      const done: ImportRowResult[] = [];
      for (const [i, r] of rows.entries()) {
        if (asMember(r)) {
          // Plain writes only (every read came first, as a unit of work needs on Firestore): an account
          // made for this address since the look-up above makes the insert, and so the whole unit, fail.
          const user = ssoOnlyUser(r, tokens[i]!.id, admin.locale, now);
          await tx.accounts.users.insert(user);
          await tx.accounts.memberships.add({
            workspaceId: ws.id,
            userId: user.id,
            role: r.role === 'admin' ? 'admin' : 'member',
            status: 'active',
            joinedAt: now.toISOString(),
          });
          done.push({ ...r, status: 'member' });
        } else {
          done.push({ ...r, status: 'invited' });
        }
      }
      return { ws, rows: done };
    });
    const applied = rows.every((r) => r.status === 'invited' || r.status === 'member');
    const importId = randomUUID();
    if (applied) await this.#mail(ws, admin, rows, tokens, accounts, origin);
    const invited = rows.filter((r) => r.status === 'invited').length;
    const members = rows.filter((r) => r.status === 'member').length;
    await this.d.audit.record(
      'admin.users_imported',
      origin,
      { userId: admin.id, workspaceId },
      {
        importId,
        rows: rows.length,
        invited,
        members,
        invalid: rows.filter((r) => r.status === 'invalid').length,
        applied,
      },
    );
    return { ...summary(parsed.encoding, rows), importId, applied, invited, members };
  }

  /** The accounts of these addresses, looked up a chunk at a time. */
  async #accountsOf(emails: readonly string[]): Promise<Map<string, User>> {
    const out = new Map<string, User>();
    for (let start = 0; start < emails.length; start += LOOKUP_CHUNK) {
      const chunk = emails.slice(start, start + LOOKUP_CHUNK);
      const found = await Promise.all(chunk.map((e) => this.d.accounts.users.getByEmail(e)));
      for (const [j, u] of found.entries()) if (u) out.set(chunk[j]!, u);
    }
    return out;
  }

  /**
   * Mails after the commit, each invitation through the per-address throttle (held back silently, as for
   * `invite`), in the invitee's language when they already have an account. SSO-only members get no mail:
   * they sign in through their company's IdP.
   */
  async #mail(
    ws: Workspace,
    admin: User,
    rows: readonly ImportRowResult[],
    tokens: ReadonlyArray<{ token: string }>,
    accounts: ReadonlyMap<string, User>,
    origin: RequestOrigin,
  ): Promise<void> {
    for (const [i, r] of rows.entries()) {
      if (r.status !== 'invited') continue;
      if ((await this.d.mail.take('invite', r.email, admin.id, origin, ws.id)) > 0) continue;
      const link = `${this.d.publicUrl()}/invite/${encodeURIComponent(tokens[i]!.token)}`;
      const locale = accounts.get(r.email)?.locale ?? admin.locale;
      this.d.mail.queue(accountMail.invitation(r.email, locale, ws.name, admin.displayName, link));
    }
  }

  async #enterprise(workspaceId: string): Promise<Workspace> {
    const ws = await this.d.workspaces.get(workspaceId);
    if (!ws) throw AppError.notFound('Workspace not found.');
    requireEnterprise(ws);
    return ws;
  }

  async #limit(limiter: RateLimiter, adminId: string): Promise<void> {
    const wait = await limiter.take(adminId, this.d.clock().getTime());
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

/** "SSO required" in an Enterprise workspace: new people are members who sign in through the IdP. */
function ssoRequired(ws: Workspace): boolean {
  const sso = resolveSecurity(ws.security).sso;
  return PLAN_FEATURES[ws.plan].saml && sso?.enabled === true && sso.required;
}

/** An account with no password (R9): the IdP vouches for it at its first sign-in. */
function ssoOnlyUser(r: ImportRowResult, id: string, locale: User['locale'], now: Date): User {
  return {
    id,
    email: r.email,
    displayName: r.displayName,
    locale,
    passwordHash: null,
    passwordChangedAt: null,
    emailVerifiedAt: null,
    mfaEnabled: false,
    failedSignins: 0,
    lockedUntil: null,
    createdAt: now.toISOString(),
  };
}

function summary(encoding: ImportPreview['encoding'], rows: ImportRowResult[]): ImportPreview {
  const invalid = rows.filter((r) => r.status === 'invalid').length;
  return { encoding, rows, valid: rows.length - invalid, invalid, report: importReportCsv(rows) };
}
