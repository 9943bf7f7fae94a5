import type { DocumentData } from 'firebase-admin/firestore';
import type { ChallengeRepo, SigninChallenge } from '../store.js';
import { definedPatch, failureUpdate, updateIfExists } from './accountRepos.shared.js';
import type { FsContext } from './context.js';
import { globalDoc } from './paths.js';

/** `challenges/{id}`: one password-verified sign-in waiting for its email code. */
const toDoc = (c: SigninChallenge): DocumentData => ({
  userId: c.userId,
  codeHash: c.codeHash,
  createdAt: c.createdAt,
  expiresAt: c.expiresAt,
  failedAttempts: c.failedAttempts,
  sends: c.sends,
  lastSentAt: c.lastSentAt,
  consumedAt: c.consumedAt,
  ...(c.via ? { via: c.via } : {}),
});

const toChallenge = (id: string, d: DocumentData): SigninChallenge => ({
  id,
  userId: d.userId,
  codeHash: d.codeHash,
  createdAt: d.createdAt,
  expiresAt: d.expiresAt,
  failedAttempts: d.failedAttempts ?? 0,
  sends: d.sends ?? 1,
  lastSentAt: d.lastSentAt,
  consumedAt: d.consumedAt ?? null,
  ...(d.via ? { via: d.via as string } : {}),
});

/** Still answerable: not consumed and fewer than `maxFailures` wrong codes. */
const open = (d: DocumentData | undefined, maxFailures: number): d is DocumentData =>
  d !== undefined && (d.consumedAt ?? null) === null && (d.failedAttempts ?? 0) < maxFailures;

export function firestoreChallenges(ctx: FsContext): ChallengeRepo {
  const ref = (id: string) => globalDoc(ctx.db, 'challenges', id);
  const userRef = (id: string) => globalDoc(ctx.db, 'users', id);
  return {
    async create(c) {
      await ctx.create(ref(c.id), toDoc(c));
    },
    async get(id) {
      const snap = await ctx.get(ref(id));
      return snap.exists ? toChallenge(snap.id, snap.data()!) : undefined;
    },
    async update(id, patch) {
      await updateIfExists(ctx, ref(id), definedPatch(patch, ['id', 'userId']));
    },
    recordCodeFailure(id, maxFailures, lockout) {
      // One transaction: the challenge's attempts and the account's lockout count grow together.
      return ctx.atomic(async (c) => {
        const challenge = (await c.get(ref(id))).data();
        if (!open(challenge, maxFailures)) return undefined;
        const user = (await c.get(userRef(challenge.userId))).data();
        const attempts = (challenge.failedAttempts ?? 0) + 1;
        const { count, update } = failureUpdate(user, lockout);
        await c.update(ref(id), { failedAttempts: attempts });
        if (update) await c.update(userRef(challenge.userId), update);
        return { attempts, account: count };
      });
    },
    consume(id, at, maxFailures) {
      return ctx.atomic(async (c) => {
        if (!open((await c.get(ref(id))).data(), maxFailures)) return false;
        await c.update(ref(id), { consumedAt: at });
        return true;
      });
    },
    endAllForUser(userId, at) {
      // In one transaction, so a code consumed meanwhile is neither counted nor given a second time.
      return ctx.atomic(async (c) => {
        const snap = await c.get(
          c.db.collection('challenges').where('userId', '==', userId).where('consumedAt', '==', null),
        );
        for (const doc of snap.docs) await c.update(doc.ref, { consumedAt: at });
        return snap.size;
      });
    },
  };
}
