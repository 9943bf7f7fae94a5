/**
 * Tsudoi's own SAML signing key per workspace (R11: the SP metadata carries "its own signing
 * certificate"): AuthnRequests are signed with it (HTTP-Redirect binding, RSA-SHA256), and the IdP checks
 * them against the certificate it imported from the SP metadata. Made once per workspace, on first use, and
 * kept in the workspace record (never in any API answer but the certificate).
 */
import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import type { UnitOfWork } from '../unitOfWork.js';
import { resolveSecurity } from '../workspaces/security.js';
import type { Workspace, WorkspaceRepo } from '../workspaces/workspaceRepo.js';

export interface SpCredentials {
  /** PKCS#1 PEM of the RSA private key. */
  privateKeyPem: string;
  /** Base64 DER of the self-signed certificate. */
  certificate: string;
}

/** How long the SP certificate is valid; IdPs do not enforce it for signature checks, but show it. */
const VALIDITY_YEARS = 10;

const generateRsa = promisify(generateKeyPair);

/** A new RSA-2048 key (made off the event loop) and a self-signed SHA-256 certificate naming the workspace's SP. */
export async function newSpCredentials(workspaceId: string, now: Date): Promise<SpCredentials> {
  const { privateKey, publicKey } = await generateRsa('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  // A positive serial of 128 random bits (a leading 0x01 byte keeps the DER integer positive).
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now);
  cert.validity.notAfter.setUTCFullYear(now.getUTCFullYear() + VALIDITY_YEARS);
  const name = [
    { name: 'commonName', value: `tsudoi-sp-${workspaceId}`.slice(0, 64) },
    { name: 'organizationName', value: 'Tsudoi' },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes();
  return { privateKeyPem: privateKey, certificate: forge.util.encode64(der) };
}

/** The workspace's SP key and certificate, made and stored on first use (once, also when raced). */
export async function spCredentialsOf(
  d: { tx: UnitOfWork<{ workspaces: WorkspaceRepo }>; clock: Clock },
  ws: Workspace,
): Promise<SpCredentials> {
  const have = resolveSecurity(ws.security).samlSp;
  if (have) return have;
  const made = await newSpCredentials(ws.id, d.clock());
  return d.tx.transaction(async (tx) => {
    const now = await tx.workspaces.get(ws.id);
    if (!now) throw AppError.notFound('Workspace not found.');
    const current = resolveSecurity(now.security);
    if (current.samlSp) return current.samlSp;
    await tx.workspaces.update(ws.id, { security: { ...current, samlSp: made } });
    return made;
  });
}
