import type { InvitationRepo } from './accountStore.js';
import { tokenHash } from './tokens.js';

/**
 * The invitation token a sign-up, a sign-in or a password reset came with, if it names a pending invitation
 * to this very address; anything else is dropped silently (those answers are the same either way). Mailed
 * links then lead back to the invitation page, so the invitation survives the detour through the mailbox.
 */
export async function pendingInvitationFor(
  invitations: Pick<InvitationRepo, 'getByTokenHash'>,
  token: string | undefined,
  email: string,
  now: Date,
): Promise<string | undefined> {
  if (!token) return undefined;
  const inv = await invitations.getByTokenHash(tokenHash(token));
  const pending =
    inv && inv.email === email && !inv.acceptedAt && !inv.revokedAt && inv.expiresAt > now.toISOString();
  return pending ? token : undefined;
}
