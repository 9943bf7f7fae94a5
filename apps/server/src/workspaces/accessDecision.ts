/**
 * The one policy for "may this request or socket act in this workspace" (R10, R13; ASVS V8). Pure: the
 * caller loads the session, membership and workspace and passes them with the time and client IP; this
 * module only decides. HTTP routes, the socket handshake and socket admin events all come through here
 * (via `WorkspaceAccess` in `access.ts`), so later rules — an IP allow-list, SSO-only sign-in — plug in
 * once, as an {@link AccessRule}, and apply everywhere.
 */
import type { ErrorCode } from '@tsudoi/protocol';
import type { Membership, Role } from '../auth/accountStore.js';
import type { Workspace } from './workspaceRepo.js';

const RANK: Record<Role, number> = { member: 0, admin: 1, owner: 2 };

/** Pure: may a member with `role` do what needs `needed`? */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

/** Where the request comes from; rules may treat the edges (HTTP, socket) differently from service calls. */
export type AccessVia = 'http' | 'socket' | 'service';

/** The session facts the policy needs (absent for a service-internal call that carries no session). */
export interface AccessSession {
  id: string;
  userId: string;
  /** How it was established, e.g. 'password+email-otp'; an SSO-only rule reads it. */
  method: string;
  createdAt: string;
}

/** Everything one decision looks at. Loaded by the caller; nothing here does I/O or reads a clock. */
export interface AccessRequest {
  userId: string;
  /** `null` when the caller is authenticated but the session was not loaded (a service-internal call). */
  session: AccessSession | null;
  /** False when a session was presented but is gone or expired. */
  sessionLive: boolean;
  workspaceId: string;
  /** Loaded only when the user has a membership of it (another tenant's workspace is never read). */
  workspace: Workspace | undefined;
  membership: Membership | undefined;
  needed: Role;
  /** The client's address (from the one client-IP function); null when unknown (service-internal). */
  clientIp: string | null;
  via: AccessVia;
  now: Date;
}

/**
 * Stable refusal reasons. `code` is what the client sees: a workspace the caller has no live membership
 * of answers NOT_FOUND, so another tenant's ids (and a removal) reveal nothing.
 */
export type AccessRefusalReason =
  | 'sessionEnded'
  | 'noSuchWorkspace'
  | 'workspaceClosed'
  | 'notAMember'
  | 'membershipDisabled'
  | 'roleTooLow'
  /** Rules added later name their own reasons (e.g. 'ipNotAllowed', 'ssoRequired'). */
  | (string & {});

export type AccessVerdict =
  | { allow: true }
  | { allow: false; reason: AccessRefusalReason; code: ErrorCode; message: string };

/** One extra rule: `undefined` means no objection; a refusal stops the decision. */
export type AccessRule = (req: AccessRequest) => Extract<AccessVerdict, { allow: false }> | undefined;

export const ALLOW: AccessVerdict = { allow: true };

const refuse = (
  reason: AccessRefusalReason,
  code: ErrorCode,
  message: string,
): Extract<AccessVerdict, { allow: false }> => ({ allow: false, reason, code, message });

/**
 * Decides, in a fixed order: a live session of this user, a membership of this workspace, the workspace,
 * an active membership, the role, then each extra rule in turn. The first refusal wins.
 */
export function decideAccess(req: AccessRequest, rules: readonly AccessRule[] = []): AccessVerdict {
  if (!req.sessionLive || (req.session && req.session.userId !== req.userId))
    return refuse('sessionEnded', 'UNAUTHENTICATED', 'Sign-in required.');
  const m = req.membership;
  if (!m || m.workspaceId !== req.workspaceId || m.userId !== req.userId)
    return refuse('notAMember', 'NOT_FOUND', 'Workspace not found.');
  if (req.workspace?.id !== req.workspaceId)
    return refuse('noSuchWorkspace', 'NOT_FOUND', 'Workspace not found.');
  // A deleted workspace (awaiting erasure, workspaces/deletion) is closed to everyone, its owner included.
  if (req.workspace.closedAt) return refuse('workspaceClosed', 'NOT_FOUND', 'Workspace not found.');
  if (m.status !== 'active') return refuse('membershipDisabled', 'NOT_FOUND', 'Workspace not found.');
  if (!roleAtLeast(m.role, req.needed))
    return refuse('roleTooLow', 'FORBIDDEN', 'Your role does not allow this.');
  for (const rule of rules) {
    const verdict = rule(req);
    if (verdict) return verdict;
  }
  return ALLOW;
}

/**
 * Account-wide state (a sign-in lockout, every session of the user) belongs to the account, not to one
 * workspace. An admin may change it only when they administer every workspace the account belongs to
 * (in any status): then nobody else's policy is overridden. `adminRoles` maps workspace id to the
 * caller's active role there.
 */
export function mayManageAccount(
  targetMemberships: readonly Pick<Membership, 'workspaceId'>[],
  adminRoles: ReadonlyMap<string, Role>,
): boolean {
  if (targetMemberships.length === 0) return false;
  return targetMemberships.every((m) => {
    const role = adminRoles.get(m.workspaceId);
    return role !== undefined && roleAtLeast(role, 'admin');
  });
}
