/**
 * node-saml set up for one workspace, and what it leaves to us: Recipient, Destination, the assertion id
 * (replay), and naming each refusal. Time checks run on the server's clock (tests move it).
 */
import { type CacheProvider, type Profile, SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { DOMParser } from '@xmldom/xmldom';
import type { Clock } from '../clock.js';
import { pemOf, type SsoConfig } from './ssoConfig.js';

/** Accepted difference between the IdP's clock and ours. */
export const SSO_CLOCK_SKEW_MS = 60_000;
export const NAMEID_EMAIL = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

export interface SpEndpoints {
  entityId: string;
  acsUrl: string;
}

/** Why a response was refused; recorded in the access log. */
export type SsoRefusal =
  | 'notConfigured'
  | 'malformed'
  | 'signature'
  | 'inResponseTo'
  | 'otherBrowser'
  | 'replayed'
  | 'expired'
  | 'notYetValid'
  | 'audience'
  | 'recipient'
  | 'destination'
  | 'issuer'
  | 'idpError'
  | 'noEmail'
  | 'notMember'
  | 'disabled'
  | 'ipNotAllowed'
  | 'memberLimit';

export class SsoRefused extends Error {
  constructor(
    readonly reason: SsoRefusal,
    readonly detail?: string,
  ) {
    super(`SAML response refused: ${reason}${detail ? ` (${detail})` : ''}`);
  }
}

class ClockedSaml extends SAML {
  constructor(
    options: ConstructorParameters<typeof SAML>[0],
    private readonly clock: Clock,
  ) {
    super(options);
  }
  protected override checkTimestampsValidityError(
    _nowMs: number,
    notBefore: string,
    notOnOrAfter: string,
    maxTimeLimitMs?: number,
  ): Error | null {
    return super.checkTimestampsValidityError(
      this.clock().getTime(),
      notBefore,
      notOnOrAfter,
      maxTimeLimitMs,
    );
  }
}

/**
 * node-saml for one workspace: signed response AND signed assertion, SHA-256, InResponseTo always;
 * AuthnRequests signed with the workspace's SP key when `signingKeyPem` is given (sending; the ACS only
 * validates).
 */
export function samlFor(
  cfg: SsoConfig,
  sp: SpEndpoints,
  cache: CacheProvider,
  clock: Clock,
  signingKeyPem?: string,
): SAML {
  return new ClockedSaml(
    {
      ...(signingKeyPem ? { privateKey: signingKeyPem } : {}),
      entryPoint: cfg.ssoUrl,
      issuer: sp.entityId,
      callbackUrl: sp.acsUrl,
      audience: sp.entityId,
      idpIssuer: cfg.idpEntityId,
      idpCert: cfg.certificates.map(pemOf),
      identifierFormat: NAMEID_EMAIL,
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: true,
      signatureAlgorithm: 'sha256',
      acceptedClockSkewMs: SSO_CLOCK_SKEW_MS,
      validateInResponseTo: ValidateInResponseTo.always,
      requestIdExpirationPeriodMs: 10 * 60_000,
      maxAssertionAgeMs: 10 * 60_000,
      disableRequestedAuthnContext: true,
      cacheProvider: cache,
    },
    clock,
  );
}

/** The refusal a node-saml error stands for. */
export function refusalOf(err: unknown): SsoRefusal {
  const m = err instanceof Error ? err.message : '';
  if (/signature/i.test(m) || /Cannot obtain assertion/.test(m)) return 'signature';
  if (/InResponseTo/i.test(m)) return 'inResponseTo';
  // node-saml says this when every bearer confirmation is outside its NotBefore/NotOnOrAfter window.
  if (/expired/.test(m) || /No valid subject confirmation/.test(m)) return 'expired';
  if (/not yet valid/.test(m)) return 'notYetValid';
  if (/audience|AudienceRestriction/i.test(m)) return 'audience';
  if (/issuer/i.test(m)) return 'issuer';
  if (/SAML provider returned/.test(m)) return 'idpError';
  return 'malformed';
}

/** What node-saml does not check, read from the signed assertion and the signed response's root. */
export function checkEnvelope(
  profile: Profile,
  sp: SpEndpoints,
): { assertionId: string; notOnOrAfterMs: number } {
  const assertion = (profile.getAssertion?.() as { Assertion?: AssertionJs } | undefined)?.Assertion;
  const assertionId = assertion?.$?.ID;
  if (!assertion || !assertionId) throw new SsoRefused('malformed', 'no assertion id');
  const data = assertion.Subject?.[0]?.SubjectConfirmation?.find(
    (c) => c.$?.Method === 'urn:oasis:names:tc:SAML:2.0:cm:bearer',
  )?.SubjectConfirmationData?.[0]?.$;
  if (data?.Recipient !== sp.acsUrl) throw new SsoRefused('recipient', data?.Recipient);
  const notOnOrAfter = assertion.Conditions?.[0]?.$?.NotOnOrAfter ?? data?.NotOnOrAfter;
  const notOnOrAfterMs = notOnOrAfter ? Date.parse(notOnOrAfter) : Number.NaN;
  // The response's own signature covers its root element (wantAuthnResponseSigned), so its Destination.
  const raw = profile.getSamlResponseXml?.();
  const root = raw ? new DOMParser().parseFromString(raw, 'text/xml').documentElement : null;
  const destination = root?.getAttribute('Destination');
  if (destination !== sp.acsUrl) throw new SsoRefused('destination', destination ?? undefined);
  return { assertionId, notOnOrAfterMs: Number.isNaN(notOnOrAfterMs) ? 0 : notOnOrAfterMs };
}

/** The email the IdP asserts: the `email`/`mail` attribute, else an email-format NameID. */
export function assertedEmail(profile: Profile): string | undefined {
  const attrs = (profile.attributes ?? {}) as Record<string, unknown>;
  const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
  const candidate =
    first(attrs.email) ??
    first(attrs.mail) ??
    (profile.nameIDFormat === NAMEID_EMAIL ? profile.nameID : undefined);
  if (typeof candidate !== 'string') return undefined;
  const email = candidate.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) && email.length <= 254 ? email : undefined;
}

/** The asserted display name, if any. */
export function assertedName(profile: Profile): string | undefined {
  const v = (profile.attributes as Record<string, unknown> | undefined)?.displayName;
  const name = Array.isArray(v) ? v[0] : v;
  return typeof name === 'string' && name.trim() ? name.trim().slice(0, 80) : undefined;
}

interface AssertionJs {
  $?: { ID?: string };
  Subject?: Array<{
    SubjectConfirmation?: Array<{
      $?: { Method?: string };
      SubjectConfirmationData?: Array<{ $?: { Recipient?: string; NotOnOrAfter?: string } }>;
    }>;
  }>;
  Conditions?: Array<{ $?: { NotOnOrAfter?: string } }>;
}
