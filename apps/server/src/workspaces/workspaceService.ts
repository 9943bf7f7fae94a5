import { randomUUID } from 'node:crypto';
import type {
  InvitationPreview,
  InvitationView,
  MemberView,
  WorkspaceDetail,
  WorkspaceSummary,
} from '@tsudoi/protocol';
import type { AuditLog, RequestOrigin } from '../audit/auditLog.js';
import type {
  AccountStore,
  Invitation,
  InvitationRepo,
  MembershipRepo,
  Role,
  User,
  UserRepo,
} from '../auth/accountStore.js';
import { accountMail } from '../auth/mailTemplates.js';
import { RateLimiter } from '../auth/rateLimiter.js';
import type { SessionService } from '../auth/sessionService.js';
import { newToken, tokenHash } from '../auth/tokens.js';
import type { Clock } from '../clock.js';
import { isTimeZone } from '../config.js';
import { AppError } from '../errors.js';
import type { MailMessage } from '../mail/mailer.js';
import type { SharedLimits } from '../scaling/sharedLimits.js';
import type { UnitOfWork } from '../unitOfWork.js';
import type { WorkspaceAccess } from './access.js';
import { IP_NOT_ALLOWED_MESSAGE, workspaceAllowsIp } from './ipAllowList.js';
import { PLAN_FEATURES } from './planPolicy.js';
import { resolveSecurity, type WorkspaceSecurity } from './security.js';
import type { Plan, Workspace, WorkspaceRepo } from './workspaceRepo.js';

const INVITE_TTL_MS = 7 * 86_400_000;
const HOUR_MS = 3_600_000;
const PLAN_BY_OPERATOR =
  'Plan changes go through the Tsudoi operator (contact support); they cannot be made in the workspace.';

/**
 * What invitations need of account mail (auth/accountMailer.ts): the per-address throttle
 * (MAIL_PER_ADDRESS_PER_HOUR, shared by every workspace) and the background queue.
 */
export interface InvitationMail {
  /** Counts one invitation to `to`: 0 when it may go now, else the ms to wait (the refusal is logged). */
  take(
    kind: 'invite',
    to: string,
    userId: string,
    origin: RequestOrigin,
    workspaceId: string,
  ): Promise<number>;
  /** Queues a mail `take` allowed; never waits for SMTP. */
  queue(message: MailMessage): void;
}

/** The repositories workspace administration reads and writes. */
export interface WorkspaceRepos {
  workspaces: WorkspaceRepo;
  users: Pick<UserRepo, 'getById' | 'getByEmail' | 'update'>;
  memberships: MembershipRepo;
  invitations: InvitationRepo;
}

/** What workspace administration writes together (a workspace and its owner, an invitation and its membership). */
export type WorkspaceUnitOfWork = UnitOfWork<{
  workspaces: WorkspaceRepo;
  accounts: Pick<AccountStore, 'memberships' | 'invitations'>;
}>;

export interface WorkspaceDeps {
  repos: WorkspaceRepos;
  tx: WorkspaceUnitOfWork;
  mail: InvitationMail;
  /** Invitations one admin may send per hour, over all their workspaces. */
  invitesPerAdminPerHour: number;
  /** Several nodes: that count kept in Redis, one per admin across the nodes. */
  sharedLimits?: SharedLimits;
  audit: AuditLog;
  sessions: SessionService;
  /** The access decision; removals and disablings are announced on it (`membershipEnded`). */
  access: WorkspaceAccess;
  clock: Clock;
  publicUrl: () => string;
  defaultTimeZone: string;
}

type WorkspacePatch = {
  name?: string;
  timeZone?: string;
  plan?: Plan;
  mfaRequired?: boolean;
  passwordRules?: Partial<WorkspaceSecurity['password']>;
};

/** Workspaces (R1): creation, settings, members and roles, invitations. Every call is scoped by id. */
export class WorkspaceService {
  readonly #invites: RateLimiter;

  constructor(private readonly d: WorkspaceDeps) {
    const shared = d.sharedLimits ? { limits: d.sharedLimits, name: 'invites' } : undefined;
    this.#invites = new RateLimiter(d.invitesPerAdminPerHour, HOUR_MS, shared);
  }

  async create(
    user: User,
    name: string,
    timeZone: string | undefined,
    origin: RequestOrigin,
  ): Promise<WorkspaceSummary> {
    const tz = timeZone ?? this.d.defaultTimeZone;
    if (!isTimeZone(tz)) throw AppError.badRequest('Unknown time zone.', { timeZone: 'unknown time zone' });
    const now = this.d.clock().toISOString();
    const ws: Workspace = { id: randomUUID(), name, plan: 'free', timeZone: tz, createdAt: now };
    // No workspace without its owner: both or neither.
    await this.d.tx.transaction(async (tx) => {
      await tx.workspaces.create(ws);
      await tx.accounts.memberships.add({
        workspaceId: ws.id,
        userId: user.id,
        role: 'owner',
        status: 'active',
        joinedAt: now,
      });
    });
    await this.d.audit.record('admin.workspace_created', origin, { userId: user.id, workspaceId: ws.id });
    return { id: ws.id, name: ws.name, plan: ws.plan, timeZone: ws.timeZone, role: 'owner' };
  }

  /** The caller's active workspaces, for switching. */
  async listFor(userId: string): Promise<WorkspaceSummary[]> {
    const ms = (await this.d.repos.memberships.listByUser(userId)).filter((m) => m.status === 'active');
    const roles = new Map(ms.map((m) => [m.workspaceId, m.role]));
    const wss = (await this.d.repos.workspaces.listByIds(ms.map((m) => m.workspaceId))).filter(
      (w) => !w.closedAt, // a deleted workspace is not offered (workspaces/deletion)
    );
    return wss.map((w) => ({
      id: w.id,
      name: w.name,
      plan: w.plan,
      timeZone: w.timeZone,
      role: roles.get(w.id)!,
    }));
  }

  async get(workspaceId: string, userId: string): Promise<WorkspaceDetail> {
    const { workspace, membership } = await this.#member(workspaceId, userId);
    const security = resolveSecurity(workspace.security);
    return {
      id: workspace.id,
      name: workspace.name,
      plan: workspace.plan,
      timeZone: workspace.timeZone,
      role: membership.role,
      // Members see the rules they are held to; the IP allow-list is for admins (its own route).
      security: { password: security.password, mfaRequired: security.mfaRequired },
      features: PLAN_FEATURES[workspace.plan],
    };
  }

  async update(workspaceId: string, userId: string, patch: WorkspacePatch, origin: RequestOrigin) {
    await this.#member(workspaceId, userId, 'admin');
    // Plans are changed by the operator (workspaces/planChange.ts), not by an owner's PATCH.
    if (patch.plan !== undefined) throw AppError.forbidden(PLAN_BY_OPERATOR);
    if (patch.timeZone && !isTimeZone(patch.timeZone)) {
      throw AppError.badRequest('Unknown time zone.', { timeZone: 'unknown time zone' });
    }
    // Read, merge and write in one transaction: two admins saving different rules at once both count.
    await this.d.tx.transaction(async (tx) => {
      const workspace = await tx.workspaces.get(workspaceId);
      if (!workspace) throw AppError.notFound('Workspace not found.');
      const plan = workspace.plan;
      if (patch.mfaRequired && !PLAN_FEATURES[plan].requireMfaForAll) {
        throw new AppError(
          'PLAN_REQUIRED',
          'Requiring the email code for everyone needs the Enterprise plan.',
        );
      }
      const current = resolveSecurity(workspace.security);
      const security: WorkspaceSecurity = {
        ...current,
        mfaRequired: PLAN_FEATURES[plan].requireMfaForAll
          ? (patch.mfaRequired ?? current.mfaRequired)
          : false,
        password: { ...current.password, ...patch.passwordRules },
      };
      await tx.workspaces.update(workspaceId, {
        ...(patch.name ? { name: patch.name } : {}),
        ...(patch.timeZone ? { timeZone: patch.timeZone } : {}),
        security,
      });
    });
    await this.d.audit.record(
      'admin.workspace_updated',
      origin,
      { userId, workspaceId },
      { fields: Object.keys(patch).join(',') },
    );
    return this.get(workspaceId, userId);
  }

  async members(workspaceId: string, userId: string): Promise<MemberView[]> {
    const { membership } = await this.#member(workspaceId, userId);
    const views: MemberView[] = (await this.d.repos.memberships.listByWorkspace(workspaceId)).map((m) => ({
      userId: m.userId,
      email: m.email,
      displayName: m.displayName,
      role: m.role,
      status: m.status,
      joinedAt: m.joinedAt,
    }));
    if (membership.role === 'member') return views;
    // Admins see who is locked out by failed sign-ins right now: only they are offered "Unlock".
    const now = this.d.clock().toISOString();
    const users = await Promise.all(views.map((v) => this.d.repos.users.getById(v.userId)));
    return views.map((v, i) => {
      const until = users[i]?.lockedUntil;
      return { ...v, locked: until != null && until > now };
    });
  }

  async updateMember(
    workspaceId: string,
    adminId: string,
    targetId: string,
    patch: { role?: 'admin' | 'member'; status?: 'active' | 'disabled' },
    origin: RequestOrigin,
  ): Promise<void> {
    await this.#manageableMember(workspaceId, adminId, targetId);
    await this.d.repos.memberships.update(workspaceId, targetId, patch);
    await this.d.audit.record(
      'admin.member_updated',
      origin,
      { userId: adminId, workspaceId },
      { target: targetId, ...patch },
    );
    if (patch.status === 'active') this.d.access.membershipStarted({ workspaceId, userId: targetId });
    if (patch.status !== 'disabled') return;
    // Access to this workspace ends at once; other workspaces are untouched (ASVS V8.2.1).
    this.d.access.membershipEnded({ workspaceId, userId: targetId, reason: 'disabled' });
    // Sessions belong to the account: they end only when no active membership is left, matching
    // sign-in, which refuses a user whose every membership is disabled.
    const memberships = await this.d.repos.memberships.listByUser(targetId);
    if (!memberships.some((m) => m.status === 'active'))
      await this.d.sessions.revokeAll(targetId, origin, 'member_disabled');
  }

  async removeMember(
    workspaceId: string,
    adminId: string,
    targetId: string,
    origin: RequestOrigin,
  ): Promise<void> {
    await this.#manageableMember(workspaceId, adminId, targetId);
    await this.d.repos.memberships.remove(workspaceId, targetId);
    await this.d.audit.record(
      'admin.member_removed',
      origin,
      { userId: adminId, workspaceId },
      { target: targetId },
    );
    this.d.access.membershipEnded({ workspaceId, userId: targetId, reason: 'removed' });
  }

  /**
   * Admin sign-out: ends every session of a member (their sockets disconnect at once). Sessions are
   * account-wide, so this is allowed only to an admin of every workspace the member belongs to (the
   * same rule as unlocking); otherwise disabling or removing the member ends their access here.
   */
  async signOutMember(
    workspaceId: string,
    adminId: string,
    targetId: string,
    origin: RequestOrigin,
  ): Promise<number> {
    await this.#manageableMember(workspaceId, adminId, targetId);
    await this.#requireAccountManager(adminId, targetId, 'sign this person out everywhere');
    await this.d.audit.record(
      'admin.member_signed_out',
      origin,
      { userId: adminId, workspaceId },
      { target: targetId },
    );
    return this.d.sessions.revokeAll(targetId, origin, 'admin_signout');
  }

  /**
   * An admin unlocks a member's account locked by failed sign-ins. The lock is account-wide (its
   * threshold is the strictest of all the user's workspaces), so an admin of A may lift it only if they
   * administer every workspace the user belongs to — typically, the user is only in A. Otherwise the
   * lock lifts by itself after its period (or with a password reset): an admin of A cannot undo a lock
   * that another workspace's policy caused (ASVS V6.3, V8.2).
   */
  async unlockMember(
    workspaceId: string,
    adminId: string,
    targetId: string,
    origin: RequestOrigin,
  ): Promise<void> {
    await this.#member(workspaceId, adminId, 'admin');
    if (!(await this.d.repos.memberships.get(workspaceId, targetId)))
      throw AppError.notFound('Member not found.');
    await this.#requireAccountManager(adminId, targetId, 'unlock this account');
    await this.d.repos.users.update(targetId, { failedSignins: 0, lockedUntil: null });
    await this.d.audit.record(
      'admin.account_unlocked',
      origin,
      { userId: adminId, workspaceId },
      { target: targetId },
    );
  }

  /**
   * Invites `email` (R1). Anyone can sign up and create a workspace, so invitations cannot be a way to
   * flood a mailbox: one admin sends at most `invitesPerAdminPerHour` (RATE_LIMITED: the admin is
   * identified), an address gets at most MAIL_PER_ADDRESS_PER_HOUR invitation mails an hour over every
   * workspace (silently: the answer is the same, so it tells nothing about the address), and inviting an
   * address again while its invitation is pending refreshes that one (new link, new expiry) instead of
   * adding another. A refresh whose mail is held back keeps the link already sent working.
   */
  async invite(
    workspaceId: string,
    admin: User,
    email: string,
    role: 'admin' | 'member',
    origin: RequestOrigin,
  ): Promise<InvitationView> {
    const { workspace } = await this.#member(workspaceId, admin.id, 'admin');
    const now = this.d.clock();
    const wait = await this.#invites.take(admin.id, now.getTime());
    if (wait > 0) throw AppError.rateLimited(wait / 1000);
    const active = await this.d.repos.memberships.countActive(workspaceId);
    if (active >= PLAN_FEATURES[workspace.plan].maxMembers) {
      throw new AppError(
        'PLAN_REQUIRED',
        `The ${workspace.plan} plan allows ${PLAN_FEATURES[workspace.plan].maxMembers} members.`,
      );
    }
    const existingUser = await this.d.repos.users.getByEmail(email);
    if (existingUser && (await this.d.repos.memberships.get(workspaceId, existingUser.id))) {
      throw AppError.conflict('This person is already a member.');
    }
    const token = newToken();
    const fresh: Invitation = {
      id: randomUUID(),
      workspaceId,
      tokenHash: tokenHash(token),
      email,
      role,
      invitedBy: admin.id,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + INVITE_TTL_MS).toISOString(),
      acceptedAt: null,
      revokedAt: null,
    };
    const at = now.toISOString();
    const mayMail = (await this.d.mail.take('invite', email, admin.id, origin, workspaceId)) === 0;
    const pending = mayMail ? undefined : await this.d.repos.invitations.pendingFor(workspaceId, email, at);
    // Held back with one pending: leave it as it is, so the link already mailed keeps working.
    const inv = pending ?? (await this.d.repos.invitations.createOrRefresh(fresh, at));
    if (mayMail) {
      const link = `${this.d.publicUrl()}/invite/${encodeURIComponent(token)}`;
      this.d.mail.queue(
        accountMail.invitation(
          email,
          existingUser?.locale ?? admin.locale,
          workspace.name,
          admin.displayName,
          link,
        ),
      );
    }
    await this.d.audit.record('admin.invitation_sent', origin, { userId: admin.id, workspaceId }, { role });
    return this.#view(inv);
  }

  async invitations(workspaceId: string, adminId: string): Promise<InvitationView[]> {
    await this.#member(workspaceId, adminId, 'admin');
    return (await this.d.repos.invitations.listByWorkspace(workspaceId)).map((i) => this.#view(i));
  }

  async revokeInvitation(
    workspaceId: string,
    adminId: string,
    id: string,
    origin: RequestOrigin,
  ): Promise<void> {
    await this.#member(workspaceId, adminId, 'admin');
    if (!(await this.d.repos.invitations.revoke(workspaceId, id, this.d.clock().toISOString()))) {
      throw AppError.notFound('Invitation not found.');
    }
    await this.d.audit.record('admin.invitation_revoked', origin, { userId: adminId, workspaceId });
  }

  async previewInvitation(token: string): Promise<InvitationPreview> {
    const inv = await this.d.repos.invitations.getByTokenHash(tokenHash(token));
    const ws = inv && (await this.d.repos.workspaces.get(inv.workspaceId));
    if (!inv || !ws) throw new AppError('LINK_INVALID', 'This invitation link is not valid.');
    return { workspaceName: ws.name, email: inv.email, role: inv.role, status: this.#view(inv).status };
  }

  /** The signed-in user whose email the invitation names joins the workspace. */
  async acceptInvitation(token: string, user: User, origin: RequestOrigin): Promise<WorkspaceSummary> {
    const now = this.d.clock().toISOString();
    // No accepted invitation without its membership: both or neither (reads first, then writes).
    const inv = await this.d.tx.transaction(async (tx) => {
      const inv = await tx.accounts.invitations.getByTokenHash(tokenHash(token));
      if (!inv || this.#view(inv).status !== 'pending') {
        throw new AppError('LINK_INVALID', 'This invitation has expired, was revoked or was already used.');
      }
      if (inv.email !== user.email) {
        throw AppError.forbidden('This invitation is for another email address. Sign in with that address.');
      }
      // The workspace's IP allow-list holds for joining too (R12): nothing is used up when refused.
      const ws = await tx.workspaces.get(inv.workspaceId);
      if (ws && !workspaceAllowsIp(ws, origin.ip))
        throw new AppError('IP_NOT_ALLOWED', IP_NOT_ALLOWED_MESSAGE);
      const member = await tx.accounts.memberships.get(inv.workspaceId, user.id);
      if (!(await tx.accounts.invitations.markAccepted(inv.id, now))) {
        throw new AppError('LINK_INVALID', 'This invitation was already used.');
      }
      if (!member) {
        await tx.accounts.memberships.add({
          workspaceId: inv.workspaceId,
          userId: user.id,
          role: inv.role,
          status: 'active',
          joinedAt: now,
        });
      }
      return inv;
    });
    const role: Role = inv.role;
    this.d.access.membershipStarted({ workspaceId: inv.workspaceId, userId: user.id });
    await this.d.audit.record(
      'admin.member_joined',
      origin,
      { userId: user.id, workspaceId: inv.workspaceId },
      { role },
    );
    const ws = (await this.d.repos.workspaces.get(inv.workspaceId))!;
    return { id: ws.id, name: ws.name, plan: ws.plan, timeZone: ws.timeZone, role };
  }

  async #member(workspaceId: string, userId: string, needed: Role = 'member') {
    return this.d.access.require({ userId, via: 'service' }, workspaceId, needed);
  }

  /** Account-wide changes need an admin of every workspace the target is in (see `mayManageAccount`). */
  async #requireAccountManager(adminId: string, targetId: string, what: string): Promise<void> {
    if (await this.d.access.mayManageAccount(adminId, targetId)) return;
    throw AppError.forbidden(
      `This person also belongs to other workspaces, so only they (or an admin of all of them) can ${what}. ` +
        'Disable or remove them here to end their access to this workspace.',
    );
  }

  /** An admin acting on another member of the same workspace; the owner is never changed or removed. */
  async #manageableMember(workspaceId: string, adminId: string, targetId: string): Promise<void> {
    await this.#member(workspaceId, adminId, 'admin');
    const target = await this.d.repos.memberships.get(workspaceId, targetId);
    if (!target) throw AppError.notFound('Member not found.');
    if (target.role === 'owner') throw AppError.forbidden('The owner cannot be changed or removed.');
  }

  #view(i: Invitation): InvitationView {
    const status = i.acceptedAt
      ? 'accepted'
      : i.revokedAt
        ? 'revoked'
        : Date.parse(i.expiresAt) <= this.d.clock().getTime()
          ? 'expired'
          : 'pending';
    return { id: i.id, email: i.email, role: i.role, createdAt: i.createdAt, expiresAt: i.expiresAt, status };
  }
}
