import type { Membership, Role } from '../auth/accountStore.js';
import { AppError } from '../errors.js';
import type { Store, Workspace } from '../storage/store.js';

const RANK: Record<Role, number> = { member: 0, admin: 1, owner: 2 };

/** Pure: may a member with `role` do what needs `needed`? */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

/**
 * The workspace and the caller's active membership, or NOT_FOUND — also for workspaces the caller is not
 * in, so that another tenant's ids reveal nothing. FORBIDDEN when the role is too low.
 */
export async function requireMember(
  store: Store,
  workspaceId: string,
  userId: string,
  needed: Role = 'member',
): Promise<{ workspace: Workspace; membership: Membership }> {
  const membership = await store.accounts.memberships.get(workspaceId, userId);
  const workspace = membership?.status === 'active' ? await store.workspaces.get(workspaceId) : undefined;
  if (!membership || !workspace || membership.status !== 'active')
    throw AppError.notFound('Workspace not found.');
  if (!roleAtLeast(membership.role, needed)) throw AppError.forbidden('Your role does not allow this.');
  return { workspace, membership };
}
