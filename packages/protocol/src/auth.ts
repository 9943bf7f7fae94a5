import { z } from 'zod';

/** Emails are IDs (R9): trimmed and lower-cased before use. */
export const Email = z
  .string()
  .trim()
  .max(254)
  .email()
  .transform((e) => e.toLowerCase());
/** Length rules are checked by the policy (so the user gets a precise reason); this only bounds input. */
export const PasswordInput = z.string().min(1).max(256);
export const Locale = z.enum(['ja', 'en']);
export const AccountName = z.string().trim().min(1).max(60);

/** An opaque mailed-link token (base64url). */
export const LinkToken = z
  .string()
  .min(10)
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/);

export const SignupRequest = z.object({
  email: Email,
  password: PasswordInput,
  displayName: AccountName,
  locale: Locale.default('ja'),
  /** The invitation link the person signed up from: the confirmation link leads back to it. */
  invitation: LinkToken.optional(),
});
export const VerifyEmailRequest = z.object({ token: z.string().min(10).max(200) });
/** `invitation`: signing in on an invitation page — a confirmation link sent again leads back to it. */
export const SigninRequest = z.object({
  email: Email,
  password: PasswordInput,
  invitation: LinkToken.optional(),
});
export const OtpVerifyRequest = z.object({ code: z.string().regex(/^\d{6}$/, 'must be 6 digits') });
export const PasswordChangeRequest = z.object({ currentPassword: PasswordInput, newPassword: PasswordInput });
/**
 * Forgotten password, step 1: always answered 202, whether or not the address has an account.
 * `invitation`: asked for on that invitation's page (the reset link then leads back to it).
 */
export const PasswordForgotRequest = z.object({ email: Email, invitation: LinkToken.optional() });
/** Step 2, from the mailed link (`/reset-password?token=…`). */
export const PasswordResetRequest = z.object({
  token: z.string().min(10).max(200),
  newPassword: PasswordInput,
});

/** Answer to a correct email + password. */
export type SigninResult =
  | { next: 'otp'; expiresAt: string; resendAfterSeconds: number }
  | { next: 'done'; session: SessionInfo };

export type Role = 'owner' | 'admin' | 'member';
export type Plan = 'free' | 'team' | 'enterprise';

export interface WorkspaceSummary {
  id: string;
  name: string;
  plan: Plan;
  timeZone: string;
  role: Role;
}

export interface SessionInfo {
  user: { id: string; email: string; displayName: string; locale: 'ja' | 'en' };
  /** Send as X-CSRF-Token on every state-changing request. */
  csrfToken: string;
  workspaces: WorkspaceSummary[];
  passwordExpired: boolean;
}

export const CreateWorkspaceRequest = z.object({
  name: z.string().trim().min(1).max(80),
  timeZone: z.string().max(64).optional(),
});

export const PasswordRulesPatch = z
  .object({
    minLength: z.number().int().min(8).max(64),
    requireUpper: z.boolean(),
    requireLower: z.boolean(),
    requireDigit: z.boolean(),
    requireSymbol: z.boolean(),
    historyCount: z.number().int().min(0).max(24),
    expiryDays: z.number().int().min(1).max(3650).nullable(),
    lockoutThreshold: z.number().int().min(3).max(20),
    lockoutMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
  })
  .partial();

/** A workspace's password rules (R13), as the server enforces them and admins edit them. */
export type PasswordRules = Required<z.infer<typeof PasswordRulesPatch>>;

/** `GET /api/workspaces/:id` for a member: settings and what the plan allows. */
export interface WorkspaceDetail extends WorkspaceSummary {
  security: { password: PasswordRules; mfaRequired: boolean };
  features: {
    maxMembers: number;
    requireMfaForAll: boolean;
    saml: boolean;
    ipAllowList: boolean;
    accessLogs: boolean;
    csvImport: boolean;
    contractManagement: boolean;
  };
}

export const UpdateWorkspaceRequest = z
  .object({
    name: z.string().trim().min(1).max(80),
    timeZone: z.string().max(64),
    plan: z.enum(['free', 'team', 'enterprise']),
    mfaRequired: z.boolean(),
    passwordRules: PasswordRulesPatch,
  })
  .partial();

/** At most this many ranges in one workspace's IP allow-list. */
export const IP_ALLOW_LIST_MAX = 200;

/** `PUT /api/workspaces/:id/ip-allow-list` (Enterprise, admins): the whole list; empty allows every address. */
export const UpdateIpAllowListRequest = z.object({
  ranges: z.array(z.string().trim().min(1).max(64)).max(IP_ALLOW_LIST_MAX),
  /** Save even though the list does not include the caller's own current address (they lose access). */
  confirmSelfExclusion: z.boolean().default(false),
});
export type UpdateIpAllowListRequest = z.input<typeof UpdateIpAllowListRequest>;

/** `GET`/`PUT /api/workspaces/:id/ip-allow-list`: the list as enforced, and the address the server sees. */
export interface IpAllowListView {
  /** CIDR ranges, normalised (`192.0.2.0/24`, `2001:db8::/32`); empty: every address is allowed. */
  ranges: string[];
  /** The caller's address as the server sees it (after TRUST_PROXY), so an admin knows what to allow. */
  yourIp: string | null;
  /** Whether the caller's address is inside the list (always true for an empty list). */
  youAreAllowed: boolean;
}

export const InviteRequest = z.object({ email: Email, role: z.enum(['admin', 'member']).default('member') });
export const UpdateMemberRequest = z
  .object({ role: z.enum(['admin', 'member']), status: z.enum(['active', 'disabled']) })
  .partial();

export interface MemberView {
  userId: string;
  email: string;
  displayName: string;
  role: Role;
  status: 'active' | 'disabled';
  joinedAt: string;
  /** Admins only: the account is locked by failed sign-ins right now (an admin may unlock it). */
  locked?: boolean;
}

export interface InvitationView {
  id: string;
  email: string;
  role: 'admin' | 'member';
  createdAt: string;
  expiresAt: string;
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
}

/** What an invitation link shows before accepting. */
export interface InvitationPreview {
  workspaceName: string;
  email: string;
  role: 'admin' | 'member';
  status: InvitationView['status'];
}
