import type { Membership, MembershipRepo, Role, Session } from '../auth/accountStore.js';
import type { Clock } from '../clock.js';
import { EnhancedEventEmitter } from '../enhancedEvents.js';
import { AppError } from '../errors.js';
import {
  type AccessRule,
  type AccessVerdict,
  type AccessVia,
  decideAccess,
  mayManageAccount,
} from './accessDecision.js';
import type { Workspace, WorkspaceRepo } from './workspaceRepo.js';

/** Who asks: at the edges (HTTP, socket) with the live session and the client IP; inside a service without. */
export interface AccessActor {
  userId: string;
  /** The live session at the edges; absent for service-internal calls (`via: 'service'`). */
  session?: Session;
  clientIp?: string | null;
  via: AccessVia;
}

/** Someone's access to one workspace ended; their connections to it (sockets, media, floor) end now. */
export interface MembershipEnded {
  workspaceId: string;
  userId: string;
  reason: 'removed' | 'disabled';
}

/** Someone became an active member of a workspace (joined, or was enabled again). */
export interface MembershipStarted {
  workspaceId: string;
  userId: string;
}

/** A workspace's access rules changed (its IP allow-list): every open connection to it is decided again. */
export interface RulesChanged {
  workspaceId: string;
}

/** A rule beyond membership and role refused someone at an edge (logged with the address). */
export interface RuleRefusal {
  workspaceId: string;
  userId: string;
  clientIp: string | null;
  via: AccessVia;
  reason: string;
}

export interface AccessEvents {
  membershipEnded: [MembershipEnded];
  membershipStarted: [MembershipStarted];
  rulesChanged: [RulesChanged];
  ruleRefused: [RuleRefusal];
}

/** Refusals of the fixed checks (session, membership, role): the other refusals come from added rules. */
const FIXED_REASONS = new Set([
  'sessionEnded',
  'noSuchWorkspace',
  'workspaceClosed',
  'notAMember',
  'membershipDisabled',
  'roleTooLow',
]);

export interface WorkspaceAccessDeps {
  workspaces: Pick<WorkspaceRepo, 'get'>;
  memberships: Pick<MembershipRepo, 'get' | 'listByUser'>;
  clock: Clock;
}

/**
 * Loads what {@link decideAccess} needs and applies it; the single entry point for "may this actor act
 * in this workspace". Also the channel for `membershipEnded`: the workspace domain announces here, the
 * realtime layer obeys (disconnects, floor, media) — it never decides by itself.
 */
export class WorkspaceAccess extends EnhancedEventEmitter<AccessEvents> {
  readonly #rules: AccessRule[] = [];

  constructor(private readonly d: WorkspaceAccessDeps) {
    super();
  }

  /** Adds a rule (IP allow-list, SSO-only, …) applied after session, membership and role. */
  addRule(rule: AccessRule): () => void {
    this.#rules.push(rule);
    return () => {
      const i = this.#rules.indexOf(rule);
      if (i >= 0) this.#rules.splice(i, 1);
    };
  }

  /** The verdict with what was loaded; never throws for a refusal. */
  async decide(
    actor: AccessActor,
    workspaceId: string,
    needed: Role = 'member',
  ): Promise<{ verdict: AccessVerdict; workspace?: Workspace; membership?: Membership }> {
    const membership = await this.d.memberships.get(workspaceId, actor.userId);
    // Another tenant's workspace is not even read when the caller has no membership in it.
    const workspace = membership ? await this.d.workspaces.get(workspaceId) : undefined;
    const verdict = decideAccess(
      {
        userId: actor.userId,
        session: actor.session
          ? {
              id: actor.session.id,
              userId: actor.session.userId,
              method: actor.session.method,
              createdAt: actor.session.createdAt,
            }
          : null,
        sessionLive: actor.via === 'service' || actor.session !== undefined,
        workspaceId,
        workspace,
        membership,
        needed,
        clientIp: actor.clientIp ?? null,
        via: actor.via,
        now: this.d.clock(),
      },
      this.#rules,
    );
    if (!verdict.allow && !FIXED_REASONS.has(verdict.reason) && actor.via !== 'service')
      this.safeEmit('ruleRefused', {
        workspaceId,
        userId: actor.userId,
        clientIp: actor.clientIp ?? null,
        via: actor.via,
        reason: verdict.reason,
      });
    return { verdict, workspace, membership };
  }

  /**
   * The workspace and the actor's active membership, or the refusal as an AppError: NOT_FOUND for a
   * workspace the actor is not (or no longer) an active member of, FORBIDDEN when the role is too low.
   */
  async require(actor: AccessActor, workspaceId: string, needed: Role = 'member') {
    const { verdict, workspace, membership } = await this.decide(actor, workspaceId, needed);
    if (!verdict.allow) throw new AppError(verdict.code, verdict.message);
    return { workspace: workspace!, membership: membership! };
  }

  /**
   * Whether `adminId` may change account-wide state of `targetId` (lift a lockout, end all sessions):
   * only when they actively administer every workspace the target belongs to. See `mayManageAccount`.
   */
  async mayManageAccount(adminId: string, targetId: string): Promise<boolean> {
    const [theirs, mine] = await Promise.all([
      this.d.memberships.listByUser(targetId),
      this.d.memberships.listByUser(adminId),
    ]);
    const roles = new Map(mine.filter((m) => m.status === 'active').map((m) => [m.workspaceId, m.role]));
    return mayManageAccount(theirs, roles);
  }

  /** Announced by the workspace domain after the store change; listeners end the person's connections. */
  membershipEnded(e: MembershipEnded): void {
    this.safeEmit('membershipEnded', e);
  }

  /** Announced by the workspace domain after the store change; listeners refresh what lists members. */
  membershipStarted(e: MembershipStarted): void {
    this.safeEmit('membershipStarted', e);
  }

  /** Announced after a workspace's rules changed in the store; listeners decide its open connections again. */
  rulesChanged(e: RulesChanged): void {
    this.safeEmit('rulesChanged', e);
  }
}
