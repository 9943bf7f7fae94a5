/**
 * A workspace's SAML identity-provider settings (R11). Pure: the stored shape, reading the IdP's metadata
 * XML (no DTDs, no entities, no external anything), normalising certificates. Stored in the workspace
 * record (`WorkspaceSecurity.sso`), so it is written and read with the workspace on both engines.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { SSO_MAX_CERTIFICATES } from '@tsudoi/protocol';
import { DOMParser } from '@xmldom/xmldom';

export interface SsoConfig {
  enabled: boolean;
  /** Password sign-in to the workspace is refused, except for `breakGlassUserId` (with the email code). */
  required: boolean;
  breakGlassUserId: string | null;
  idpEntityId: string;
  /** The IdP's SingleSignOnService for the HTTP-Redirect binding. */
  ssoUrl: string;
  /** Base64 DER bodies of the IdP signing certificates (one, or two during a rollover). */
  certificates: string[];
  /** A sign-in through the IdP also needs the email code; absent/false: the IdP replaces the code. */
  emailCode?: boolean;
}

export interface IdpMetadata {
  idpEntityId: string;
  ssoUrl: string;
  certificates: string[];
}

export type MetadataProblem =
  | 'dtdNotAllowed'
  | 'notXml'
  | 'notIdpMetadata'
  | 'noRedirectBinding'
  | 'noCertificate'
  | 'badCertificate'
  | 'tooManyCertificates';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

/**
 * Pure: the entity id, redirect SSO URL and signing certificates of pasted IdP metadata. A document with
 * a DOCTYPE (and so any entity declaration) is refused before it is parsed; so is anything that is not one
 * IdP's EntityDescriptor. Certificates are deduplicated; more than two is refused.
 */
export function parseIdpMetadata(
  xml: string,
): { ok: true; metadata: IdpMetadata } | { ok: false; problem: MetadataProblem } {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return { ok: false, problem: 'dtdNotAllowed' };
  let doc: Document;
  const errors: string[] = [];
  try {
    doc = new DOMParser({
      errorHandler: (level: string, msg: unknown) => {
        if (level !== 'warning') errors.push(String(msg));
      },
    }).parseFromString(xml, 'text/xml') as unknown as Document;
  } catch {
    return { ok: false, problem: 'notXml' };
  }
  const root = doc?.documentElement;
  if (errors.length > 0 || !root) return { ok: false, problem: 'notXml' };
  const entity =
    root.namespaceURI === MD && root.localName === 'EntityDescriptor'
      ? root
      : root.namespaceURI === MD && root.localName === 'EntitiesDescriptor'
        ? childrenNs(root, MD, 'EntityDescriptor')[0]
        : undefined;
  const idp = entity ? childrenNs(entity, MD, 'IDPSSODescriptor')[0] : undefined;
  const idpEntityId = entity?.getAttribute('entityID')?.trim();
  if (!entity || !idp || !idpEntityId) return { ok: false, problem: 'notIdpMetadata' };
  const sso = childrenNs(idp, MD, 'SingleSignOnService').find((e) => e.getAttribute('Binding') === REDIRECT);
  const ssoUrl = sso?.getAttribute('Location')?.trim();
  if (!ssoUrl || !isHttpUrl(ssoUrl)) return { ok: false, problem: 'noRedirectBinding' };
  const bodies: string[] = [];
  for (const key of childrenNs(idp, MD, 'KeyDescriptor')) {
    const use = key.getAttribute('use');
    if (use && use !== 'signing') continue;
    const certs = key.getElementsByTagNameNS(DS, 'X509Certificate');
    for (let i = 0; i < certs.length; i++) {
      const cert = certs.item(i)!;
      const body = normaliseCertificate(cert.textContent ?? '');
      if (!body) return { ok: false, problem: 'badCertificate' };
      if (!bodies.includes(body)) bodies.push(body);
    }
  }
  if (bodies.length === 0) return { ok: false, problem: 'noCertificate' };
  if (bodies.length > SSO_MAX_CERTIFICATES) return { ok: false, problem: 'tooManyCertificates' };
  return { ok: true, metadata: { idpEntityId, ssoUrl, certificates: bodies } };
}

/** Pure: the base64 DER body of a PEM or bare base64 certificate, or undefined when it is not one. */
export function normaliseCertificate(text: string): string | undefined {
  const body = text
    .replace(/-----(BEGIN|END) CERTIFICATE-----/g, '')
    .replace(/\s+/g, '')
    .trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return undefined;
  try {
    new X509Certificate(Buffer.from(body, 'base64'));
    return body;
  } catch {
    return undefined;
  }
}

/** Pure: what an admin sees of a certificate: SHA-256 fingerprint and expiry. */
export function describeCertificate(body: string): { fingerprint: string; notAfter: string | null } {
  const der = Buffer.from(body, 'base64');
  const hex = createHash('sha256').update(der).digest('hex').toUpperCase();
  let notAfter: string | null = null;
  try {
    notAfter = new Date(new X509Certificate(der).validTo).toISOString();
  } catch {
    notAfter = null;
  }
  return { fingerprint: hex.match(/../g)?.join(':') ?? hex, notAfter };
}

/** PEM text of a stored body, as node-saml takes it. */
export const pemOf = (body: string): string =>
  `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)?.join('\n') ?? body}\n-----END CERTIFICATE-----\n`;

export function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

function childrenNs(parent: Element, ns: string, local: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling)
    if (n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === local)
      out.push(n as Element);
  return out;
}
