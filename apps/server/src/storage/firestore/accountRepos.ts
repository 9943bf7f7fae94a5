import type { AccountStore } from '../store.js';
import { firestoreChallenges } from './accountRepos.challenges.js';
import { firestoreEmailTokens } from './accountRepos.emailTokens.js';
import { firestoreInvitations } from './accountRepos.invitations.js';
import { firestoreMemberships } from './accountRepos.memberships.js';
import { firestoreSessions } from './accountRepos.sessions.js';
import { firestoreUsers } from './accountRepos.users.js';
import type { FsContext } from './context.js';

/**
 * The account repositories on Firestore, bound to one context: directly against the database, or inside a
 * caller's transaction (`store.transaction`), where the methods that are atomic on their own join it.
 * Global identities (`users`, `userEmails`, `sessions`, `challenges`, `emailTokens`) are top-level
 * collections; memberships and invitations live under `workspaces/{ws}/`.
 */
export function firestoreAccounts(ctx: FsContext): AccountStore {
  return {
    users: firestoreUsers(ctx),
    sessions: firestoreSessions(ctx),
    challenges: firestoreChallenges(ctx),
    emailTokens: firestoreEmailTokens(ctx),
    memberships: firestoreMemberships(ctx),
    invitations: firestoreInvitations(ctx),
  };
}
