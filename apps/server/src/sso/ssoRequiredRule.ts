/**
 * "SSO required" (R11). In an Enterprise workspace whose SSO is on and required:
 * - as a rule of the one access decision (`workspaces/accessDecision.ts`): only a session established
 *   through SAML gets in, at every edge (HTTP routes, socket handshakes, open sockets); the break-glass
 *   owner named in the settings still gets in with a password session that passed the email code
 *   (`password+email-otp`; the code is demanded of every member of such a workspace, `strictestSecurity`);
 * - at password sign-in (`ssoOnlyAccount`): someone whose every workspace requires SSO is refused there.
 * Pure.
 */
import type { Membership, Role } from '../auth/accountStore.js';
import type { AccessRule } from '../workspaces/accessDecision.js';
import { PLAN_FEATURES } from '../workspaces/planPolicy.js';
import { resolveSecurity } from '../workspaces/security.js';
import type { Workspace } from '../workspaces/workspaceRepo.js';

/**
 * The session method of a sign-in through `workspaceId`'s identity provider. It names the workspace: an
 * IdP vouches for its own workspace only, so a SAML session from workspace A's IdP is a password-less
 * session anywhere else, and never passes B's "SSO required".
 */
export const samlMethod = (workspaceId: string) => `saml:${workspaceId}`;

export const SSO_REQUIRED_MESSAGE = 'This workspace signs in through your company’s identity provider.';

/** Whether this member must come through the workspace's IdP (false for its break-glass owner). */
function ssoRequiredFor(
  ws: Pick<Workspace, 'plan' | 'security'>,
  userId: string | null,
  role: Role | undefined,
): boolean {
  if (!PLAN_FEATURES[ws.plan].saml) return false;
  const sso = resolveSecurity(ws.security).sso;
  if (!sso?.enabled || !sso.required) return false;
  return !(sso.breakGlassUserId === userId && role === 'owner');
}

export const ssoRequiredRule: AccessRule = (req) => {
  if (req.via === 'service' || !req.workspace || !req.session) return undefined;
  if (!ssoRequiredFor(req.workspace, null, undefined)) return undefined; // not required here
  if (req.session.method === samlMethod(req.workspaceId)) return undefined;
  const breakGlass = !ssoRequiredFor(req.workspace, req.userId, req.membership?.role);
  if (breakGlass && req.session.method === 'password+email-otp') return undefined;
  return { allow: false, reason: 'ssoRequired', code: 'SSO_REQUIRED', message: SSO_REQUIRED_MESSAGE };
};

/**
 * An IdP vouches for its own workspace only: a session it established (`saml:<its workspace>`) enters that
 * workspace and no other. Without this, an Enterprise admin who controls their workspace's IdP could assert
 * the address of someone who is also a member elsewhere and act there as them (skipping that workspace's
 * password, email code and MFA).
 */
export const ssoSessionScopeRule: AccessRule = (req) => {
  if (req.via === 'service' || !req.session?.method.startsWith('saml:')) return undefined;
  if (req.session.method === samlMethod(req.workspaceId)) return undefined;
  return {
    allow: false,
    reason: 'ssoElsewhere',
    code: 'SSO_SESSION_ELSEWHERE',
    message: 'You signed in through another workspace’s identity provider: sign in again to open this one.',
  };
};

/**
 * Pure: a password sign-in is refused when every active workspace of the account requires SSO of it
 * (no workspace, or one that does not, and the sign-in goes on; the rule above guards the others).
 */
export function ssoOnlyAccount(
  userId: string,
  memberships: readonly Membership[],
  workspaces: readonly Pick<Workspace, 'id' | 'plan' | 'security'>[],
): boolean {
  const active = memberships.filter((m) => m.status === 'active');
  if (active.length === 0) return false;
  const byId = new Map(workspaces.map((w) => [w.id, w]));
  return active.every((m) => {
    const ws = byId.get(m.workspaceId);
    return ws !== undefined && ssoRequiredFor(ws, userId, m.role);
  });
}
