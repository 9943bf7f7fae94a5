import { createHash, randomBytes, randomInt } from 'node:crypto';

/** A 256-bit random token for cookies and email links (base64url). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the store keeps instead of a token: its SHA-256, so a leaked database grants no sessions. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** A 6-digit one-time code from the CSPRNG (leading zeros kept). */
export function newOtpCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

/** A code's hash is bound to its challenge, so a code from one attempt is worthless in another. */
export function otpHash(challengeId: string, code: string): string {
  return createHash('sha256').update(`${challengeId}:${code}`).digest('base64url');
}
