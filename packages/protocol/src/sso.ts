/** SAML single sign-on (R11): a workspace's identity-provider settings and Tsudoi's service-provider side. */
import { z } from 'zod';

/** How many IdP signing certificates a workspace holds at once (the current one and its successor). */
export const SSO_MAX_CERTIFICATES = 2;
/** How many domains one workspace may route to its IdP. */
export const SSO_MAX_DOMAINS = 10;
const SSO_MAX_DOMAINS_INPUT = 20;

/** A PEM or bare base64 X.509 certificate, as pasted or read from the IdP's metadata. */
const Certificate = z.string().trim().min(64).max(16_384);

/**
 * `PUT /api/workspaces/:id/sso` (Enterprise, admins). Either `metadataXml` (the IdP's metadata, pasted)
 * or the three fields; fields given next to the metadata win. `required` refuses password sign-in to the
 * workspace except for `breakGlassUserId` (an owner, who then also needs the email code).
 */
export const UpdateSsoConfigRequest = z.object({
  metadataXml: z.string().max(200_000).optional(),
  idpEntityId: z.string().trim().min(1).max(1024).optional(),
  ssoUrl: z.string().trim().url().max(2048).optional(),
  certificates: z.array(Certificate).min(1).max(SSO_MAX_CERTIFICATES).optional(),
  enabled: z.boolean().default(true),
  required: z.boolean().default(false),
  breakGlassUserId: z.uuid().nullable().default(null),
  /**
   * Email domains routed to this IdP from the sign-in page ("Sign in with your company" by email). Each
   * must be the domain of a verified address of an active owner or admin, not a public mail domain, and
   * not routed by another workspace. Omitted: unchanged.
   */
  domains: z.array(z.string().max(260)).max(SSO_MAX_DOMAINS_INPUT).optional(),
  /**
   * Whether a sign-in through the IdP must also pass Tsudoi's email code (default: no — the IdP's own
   * authentication replaces the code for this workspace). Omitted: unchanged.
   */
  emailCodeAfterIdp: z.boolean().optional(),
  /** Needed to save "SSO required" without a break-glass owner (nobody could then sign in with a password). */
  confirmNoBreakGlass: z.boolean().default(false),
});
export type UpdateSsoConfigRequest = z.input<typeof UpdateSsoConfigRequest>;

/** Tsudoi's side, to give the IdP. */
export interface SpMetadataView {
  entityId: string;
  acsUrl: string;
  nameIdFormat: string;
  /** `GET` it for the SP metadata XML. */
  metadataUrl: string;
  /** The certificate of Tsudoi's key for this workspace: AuthnRequests are signed with it (RSA-SHA256). */
  signingCertificate: { fingerprint: string; notAfter: string | null; pem: string };
}

/** `GET`/`PUT /api/workspaces/:id/sso`. */
export interface SsoConfigView {
  configured: boolean;
  enabled: boolean;
  required: boolean;
  breakGlassUserId: string | null;
  idpEntityId: string | null;
  ssoUrl: string | null;
  /** SHA-256 fingerprints (hex, colon separated) and expiry of the IdP signing certificates. */
  certificates: Array<{ fingerprint: string; notAfter: string | null }>;
  /** Email domains routed to this IdP from the sign-in page. */
  domains: string[];
  /** A sign-in through the IdP also needs the email code (else the IdP's authentication replaces it). */
  emailCodeAfterIdp: boolean;
  sp: SpMetadataView;
}

/** `GET /api/sso/discover?email=` — where "Sign in with your company" goes for an email domain. */
export interface SsoDiscoverView {
  /** The workspace whose IdP signs in this domain's people; null when no Enterprise workspace routes it. */
  workspaceId: string | null;
}
