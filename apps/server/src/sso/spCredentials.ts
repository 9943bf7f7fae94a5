/**
 * Tsudoi's own SAML signing key per workspace (R11: the SP metadata carries "its own signing
 * certificate"): AuthnRequests are signed with it (HTTP-Redirect binding, RSA-SHA256), and the IdP checks
 * them against the certificate it imported from the SP metadata. Made once per workspace, on first use, and
 * kept in the workspace record (never in any API answer but the certificate). The private key is stored
 * sealed under the workspace's data key (R19, `tsd1:` text bound to the workspace); a key stored in plain
 * PEM before R19 is still read, and sealed in place the first time it is used. Once the workspace's data key is destroyed the key no longer opens.
 */
import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';
import type { Clock } from '../clock.js';
import type { DataKeys } from '../crypto/dataKeys.js';
import { aad, isSealedText, openText, sealText } from '../crypto/envelope.js';
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

/** Where a sealed SP key belongs: its workspace (a key moved to another workspace will not open). */
const keyAad = (workspaceId: string) => aad('saml.sp-key', workspaceId);

/** The data keys the SP key is sealed with (DataKeys). */
export type SpKeyKeys = Pick<DataKeys, 'keyFor' | 'existingKey'>;

/** The stored credentials in clear: a sealed key is opened, a plain one (before R19) is returned as stored. */
export async function openedSp(
  keys: SpKeyKeys,
  workspaceId: string,
  stored: SpCredentials,
): Promise<SpCredentials> {
  if (!isSealedText(stored.privateKeyPem)) return stored;
  const key = await keys.existingKey(workspaceId);
  return { ...stored, privateKeyPem: openText(key, stored.privateKeyPem, keyAad(workspaceId)) };
}

/** A key stored in plain PEM before R19 is sealed in place (once, if it is still the stored one). */
async function sealStored(
  d: { tx: UnitOfWork<{ workspaces: WorkspaceRepo }>; dataKeys: SpKeyKeys },
  workspaceId: string,
  plain: SpCredentials,
): Promise<void> {
  const samlSp = {
    ...plain,
    privateKeyPem: sealText(await d.dataKeys.keyFor(workspaceId), plain.privateKeyPem, keyAad(workspaceId)),
  };
  await d.tx.transaction(async (tx) => {
    const now = await tx.workspaces.get(workspaceId);
    const current = now && resolveSecurity(now.security);
    if (current?.samlSp?.privateKeyPem !== plain.privateKeyPem) return;
    await tx.workspaces.update(workspaceId, { security: { ...current, samlSp } });
  });
}

/** The workspace's SP key and certificate, made and stored (sealed) on first use (once, also when raced). */
export async function spCredentialsOf(
  d: { tx: UnitOfWork<{ workspaces: WorkspaceRepo }>; clock: Clock; dataKeys: SpKeyKeys },
  ws: Workspace,
): Promise<SpCredentials> {
  const have = resolveSecurity(ws.security).samlSp;
  if (have && !isSealedText(have.privateKeyPem)) await sealStored(d, ws.id, have);
  if (have) return openedSp(d.dataKeys, ws.id, have);
  const made = await newSpCredentials(ws.id, d.clock());
  const sealed: SpCredentials = {
    ...made,
    privateKeyPem: sealText(await d.dataKeys.keyFor(ws.id), made.privateKeyPem, keyAad(ws.id)),
  };
  const stored = await d.tx.transaction(async (tx) => {
    const now = await tx.workspaces.get(ws.id);
    if (!now) throw AppError.notFound('Workspace not found.');
    const current = resolveSecurity(now.security);
    if (current.samlSp) return current.samlSp;
    await tx.workspaces.update(ws.id, { security: { ...current, samlSp: sealed } });
    return sealed;
  });
  return openedSp(d.dataKeys, ws.id, stored);
}
