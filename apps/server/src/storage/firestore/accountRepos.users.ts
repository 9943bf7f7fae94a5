import type { DocumentData } from 'firebase-admin/firestore';
import type { User, UserRepo } from '../store.js';
import { definedPatch, failureUpdate, updateIfExists } from './accountRepos.shared.js';
import { type FsContext, firstOf, isAlreadyExists } from './context.js';
import { globalDoc, keyId } from './paths.js';

/**
 * `users/{id}` (global identities), `userEmails/{email}` (the reservation that makes an email unique: created
 * in the same transaction as the user) and `users/{id}/passwordHistory/{at}~{seq}`.
 */
const toDoc = (u: User): DocumentData => ({
  email: u.email.toLowerCase(),
  displayName: u.displayName,
  locale: u.locale,
  passwordHash: u.passwordHash,
  passwordChangedAt: u.passwordChangedAt,
  emailVerifiedAt: u.emailVerifiedAt,
  mfaEnabled: u.mfaEnabled,
  failedSignins: u.failedSignins,
  lockedUntil: u.lockedUntil,
  createdAt: u.createdAt,
});

export const toUser = (id: string, d: DocumentData): User => ({
  id,
  email: d.email,
  displayName: d.displayName,
  locale: d.locale,
  passwordHash: d.passwordHash ?? null,
  passwordChangedAt: d.passwordChangedAt ?? null,
  emailVerifiedAt: d.emailVerifiedAt ?? null,
  mfaEnabled: Boolean(d.mfaEnabled),
  failedSignins: d.failedSignins ?? 0,
  lockedUntil: d.lockedUntil ?? null,
  createdAt: d.createdAt,
});

/**
 * Password-history entries carry (and are named by) a key `{at}~{seq}` and are read newest first by it, a
 * single-field order (no composite index; Firestore cannot scan document names descending): `at` is a
 * fixed-width ISO time, and `seq` grows with every entry this process adds, so two changes at the same
 * instant read back newest first. (Two servers adding one user's entries in the same millisecond keep
 * an arbitrary but stable order.)
 */
let lastSeq = 0n;
function historyKey(at: string): string {
  const now = process.hrtime.bigint();
  lastSeq = now > lastSeq ? now : lastSeq + 1n;
  return `${at}~${lastSeq.toString().padStart(20, '0')}`;
}

export function firestoreUsers(ctx: FsContext): UserRepo {
  const userRef = (id: string) => globalDoc(ctx.db, 'users', id);
  const emailRef = (email: string) => globalDoc(ctx.db, 'userEmails', keyId(email.toLowerCase()));
  return {
    async insert(u) {
      // Blind creates: in a transaction they fail at its commit when the address is reserved already.
      await ctx.create(emailRef(u.email), { userId: u.id });
      await ctx.create(userRef(u.id), toDoc(u));
    },
    async create(u) {
      try {
        return await ctx.atomic(async (c) => {
          const reservation = emailRef(u.email);
          // Read first: inside a caller's transaction the answer must be known before it commits.
          if ((await c.get(reservation)).exists) return false;
          await c.create(reservation, { userId: u.id });
          await c.create(userRef(u.id), toDoc(u));
          return true;
        });
      } catch (err) {
        // A parallel sign-up reserved the address between our read and our commit.
        if (!ctx.inTransaction && isAlreadyExists(err) && (await ctx.get(emailRef(u.email))).exists)
          return false;
        throw err;
      }
    },
    async getById(id) {
      const snap = await ctx.get(userRef(id));
      return snap.exists ? toUser(snap.id, snap.data()!) : undefined;
    },
    async getByEmail(email) {
      // Also asked inside sign-up's unit of work (sealedAccounts: an address stored before R19 is taken too).
      const doc = await firstOf(ctx, ctx.db.collection('users').where('email', '==', email.toLowerCase()));
      return doc ? toUser(doc.id, doc.data()!) : undefined;
    },
    async update(id, patch) {
      // The email is the account's identity and its reservation: a patch never moves it.
      await updateIfExists(ctx, userRef(id), definedPatch(patch, ['id', 'email', 'createdAt']));
    },
    recordFailedSignin(id, lockout) {
      return ctx.atomic(async (c) => {
        const ref = userRef(id);
        const { count, update } = failureUpdate((await c.get(ref)).data(), lockout);
        if (update) await c.update(ref, update);
        return count;
      });
    },
    async addPasswordHistory(userId, passwordHash, at) {
      const key = historyKey(at);
      await ctx.set(userRef(userId).collection('passwordHistory').doc(key), {
        key,
        passwordHash,
        createdAt: at,
      });
    },
    async recentPasswordHashes(userId, n) {
      if (n <= 0) return [];
      const snap = await ctx.get(
        userRef(userId).collection('passwordHistory').orderBy('key', 'desc').limit(n),
      );
      return snap.docs.map((d) => d.data().passwordHash as string);
    },
  };
}
