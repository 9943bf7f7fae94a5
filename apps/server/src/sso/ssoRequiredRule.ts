/**
 * "SSO required" (R11) as a rule of the one access decision (`workspaces/accessDecision.ts`): in an
 * Enterprise workspace whose SSO is on and required, only a session established through SAML gets in, at
 * every edge (HTTP routes, socket handshakes, open sockets). The break-glass owner named in the settings
 * still gets in with a password session that passed the email code (`password+email-otp`; the code is
 * demanded of every member of such a workspace, see `strictestSecurity`). Pure.
 */
import type { AccessRule } from '../workspaces/accessDecision.js';
import { PLAN_FEATURES } from '../workspaces/planPolicy.js';
import { resolveSecurity } from '../workspaces/security.js';

export const SSO_REQUIRED_MESSAGE = 'This workspace signs in through your company’s identity provider.';

export const ssoRequiredRule: AccessRule = (req) => {
  if (req.via === 'service' || !req.workspace || !req.session) return undefined;
  if (!PLAN_FEATURES[req.workspace.plan].saml) return undefined;
  const sso = resolveSecurity(req.workspace.security).sso;
  if (!sso?.enabled || !sso.required) return undefined;
  if (req.session.method === 'saml') return undefined;
  const breakGlass =
    sso.breakGlassUserId === req.userId &&
    req.membership?.role === 'owner' &&
    req.session.method === 'password+email-otp';
  if (breakGlass) return undefined;
  return { allow: false, reason: 'ssoRequired', code: 'SSO_REQUIRED', message: SSO_REQUIRED_MESSAGE };
};
