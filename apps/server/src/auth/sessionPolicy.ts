/** When a session ends (ASVS V7.3): pure, with the time passed in. */

export interface SessionTimeouts {
  /** A session unused for this long ends. */
  idleMs: number;
  /** A session ends this long after sign-in, however active. */
  absoluteMs: number;
}

/** Why a session ended; the realtime layer tells nobody, it only disconnects, but the log keeps it. */
export type SessionEndReason =
  | 'signedOut'
  | 'expired'
  | 'idle'
  | 'passwordChanged'
  | 'adminSignedOut'
  | 'membershipDisabled'
  /** Any other whole-account revocation (e.g. a password reset); the caller's reason is logged. */
  | 'revoked';

/**
 * Whether a session is over at `now`: past its absolute expiry, or unused for longer than the idle
 * timeout. `inUse` (an open socket holds it) counts as use, so only the absolute expiry applies then.
 */
export function sessionEnd(
  s: { lastSeenAt: string; expiresAt: string },
  now: number,
  t: SessionTimeouts,
  inUse = false,
): 'expired' | 'idle' | undefined {
  if (now >= Date.parse(s.expiresAt)) return 'expired';
  if (!inUse && now >= Date.parse(s.lastSeenAt) + t.idleMs) return 'idle';
  return undefined;
}
