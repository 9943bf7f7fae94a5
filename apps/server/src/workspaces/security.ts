/** Per-workspace security settings (R10, R13); pure data and the rule for combining them. */
import type { PasswordRules } from '@tsudoi/protocol';
import type { SpCredentials } from '../sso/spCredentials.js';
import type { SsoConfig } from '../sso/ssoConfig.js';

/** Fields: minLength 8–64; historyCount = refuse the last N (0: none); expiryDays null = never;
 * lockoutThreshold consecutive failures lock; lockoutMinutes until it unlocks by itself. */
export type { PasswordRules };

export interface WorkspaceSecurity {
  password: PasswordRules;
  /** Enterprise workspaces can require the email code for everyone; on by default for all. */
  mfaRequired: boolean;
  /** Enterprise: CIDR ranges the workspace accepts connections from (ipAllowList.ts); empty: any address. */
  ipAllowList: string[];
  /** Enterprise: SAML single sign-on (sso/ssoConfig.ts); absent until an admin configures it. */
  sso?: SsoConfig;
  /** Enterprise: Tsudoi's own SAML signing key and certificate for this workspace (made on first use). */
  samlSp?: SpCredentials;
}

export const MAX_PASSWORD_LENGTH = 64;

export const DEFAULT_SECURITY: WorkspaceSecurity = {
  password: {
    minLength: 8,
    requireUpper: false,
    requireLower: false,
    requireDigit: false,
    requireSymbol: false,
    historyCount: 5,
    expiryDays: null,
    lockoutThreshold: 5,
    lockoutMinutes: 30,
  },
  mfaRequired: false,
  ipAllowList: [],
};

/** A workspace's settings with defaults filled in. */
export function resolveSecurity(partial: Partial<WorkspaceSecurity> | undefined): WorkspaceSecurity {
  return {
    password: { ...DEFAULT_SECURITY.password, ...partial?.password },
    mfaRequired: partial?.mfaRequired ?? DEFAULT_SECURITY.mfaRequired,
    ipAllowList: partial?.ipAllowList ?? DEFAULT_SECURITY.ipAllowList,
    ...(partial?.sso ? { sso: partial.sso } : {}),
    ...(partial?.samlSp ? { samlSp: partial.samlSp } : {}),
  };
}

/**
 * A user belonging to several workspaces is held to the strictest rules among them (a password is the
 * user's, not the workspace's). With no workspace, the defaults apply.
 */
export function strictestSecurity(all: readonly WorkspaceSecurity[]): WorkspaceSecurity {
  if (all.length === 0) return DEFAULT_SECURITY;
  const ps = all.map((s) => s.password);
  const expiries = ps.map((p) => p.expiryDays).filter((d): d is number => d !== null);
  return {
    password: {
      minLength: Math.max(...ps.map((p) => p.minLength)),
      requireUpper: ps.some((p) => p.requireUpper),
      requireLower: ps.some((p) => p.requireLower),
      requireDigit: ps.some((p) => p.requireDigit),
      requireSymbol: ps.some((p) => p.requireSymbol),
      historyCount: Math.max(...ps.map((p) => p.historyCount)),
      expiryDays: expiries.length ? Math.min(...expiries) : null,
      lockoutThreshold: Math.min(...ps.map((p) => p.lockoutThreshold)),
      lockoutMinutes: Math.max(...ps.map((p) => p.lockoutMinutes)),
    },
    // A workspace that requires SSO lets only its break-glass owner use a password, and only with the code.
    mfaRequired: all.some((s) => s.mfaRequired || (s.sso?.enabled === true && s.sso.required)),
    // Where one may connect from is each workspace's own rule (the access decision), never combined.
    ipAllowList: [],
  };
}
