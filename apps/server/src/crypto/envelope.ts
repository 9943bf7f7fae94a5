import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM with a versioned layout, the one cipher of encryption at rest (R19):
 *
 *   [version 0x01][nonce 12 bytes][ciphertext][tag 16 bytes]
 *
 * A fresh random nonce per seal (2^32 seals per key keep the collision chance below 2^-32, NIST SP 800-38D;
 * a workspace writes far fewer). The additional data (AAD) names where the bytes belong — purpose, workspace,
 * record — so a ciphertext copied to another tenant, column or row fails to open ({@link aad}).
 */
export const ENVELOPE_VERSION = 1;
const NONCE = 12;
const TAG = 16;
const HEADER = 1 + NONCE;

/** Why a sealed value could not be opened; `reason` is stable for logs and tests. */
export class SealError extends Error {
  constructor(
    readonly reason: 'malformed' | 'unsupported-version' | 'auth-failed' | 'key-destroyed',
    message: string,
  ) {
    super(message);
    this.name = 'SealError';
  }
}

/** The additional data binding a ciphertext to its place: `tsudoi|<purpose>|<part>|<part>…`. */
export function aad(purpose: string, ...parts: string[]): Buffer {
  // Lengths first, so ('a|b','c') and ('a','b|c') can never give the same bytes.
  return Buffer.from(['tsudoi', purpose, ...parts].map((p) => `${p.length}:${p}`).join('|'), 'utf8');
}

/** Encrypts `plain` under a 32-byte `key`, bound to `ad`. */
export function seal(key: Uint8Array, plain: Uint8Array, ad: Uint8Array): Buffer {
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(ad);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Buffer.from([ENVELOPE_VERSION]), nonce, body, cipher.getAuthTag()]);
}

/** Decrypts what {@link seal} made with the same key and `ad`; throws {@link SealError} otherwise. */
export function open(key: Uint8Array, sealed: Uint8Array, ad: Uint8Array): Buffer {
  if (sealed.length < HEADER + TAG) throw new SealError('malformed', 'sealed value too short');
  if (sealed[0] !== ENVELOPE_VERSION) {
    throw new SealError('unsupported-version', `unknown envelope version ${sealed[0]}`);
  }
  const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(1, HEADER));
  decipher.setAAD(ad);
  decipher.setAuthTag(buf.subarray(buf.length - TAG));
  try {
    return Buffer.concat([decipher.update(buf.subarray(HEADER, buf.length - TAG)), decipher.final()]);
  } catch {
    throw new SealError('auth-failed', 'ciphertext does not open with this key and place');
  }
}

/** Text columns hold sealed values as `tsd1:` + base64url; anything else is a plaintext row from before R19. */
export const TEXT_PREFIX = 'tsd1:';

export const isSealedText = (s: string): boolean => s.startsWith(TEXT_PREFIX);

export function sealText(key: Uint8Array, plain: string, ad: Uint8Array): string {
  return TEXT_PREFIX + seal(key, Buffer.from(plain, 'utf8'), ad).toString('base64url');
}

export function openText(key: Uint8Array, sealed: string, ad: Uint8Array): string {
  if (!isSealedText(sealed)) throw new SealError('malformed', 'not a sealed text value');
  return open(key, Buffer.from(sealed.slice(TEXT_PREFIX.length), 'base64url'), ad).toString('utf8');
}
