import type { DocumentData } from 'firebase-admin/firestore';
import type { EmailTokenPurpose, EmailTokenRepo } from '../store.js';
import type { FsContext } from './context.js';
import { globalDoc } from './paths.js';

/** `emailTokens/{id}` (the id is the hash of the emailed token): one-time links bound to a purpose. */
const usable = (d: DocumentData | undefined, purpose: EmailTokenPurpose, now: string): d is DocumentData =>
  d !== undefined && d.purpose === purpose && (d.usedAt ?? null) === null && d.expiresAt > now;

export function firestoreEmailTokens(ctx: FsContext): EmailTokenRepo {
  const ref = (id: string) => globalDoc(ctx.db, 'emailTokens', id);
  return {
    async create(t) {
      await ctx.create(ref(t.id), {
        purpose: t.purpose,
        userId: t.userId,
        expiresAt: t.expiresAt,
        usedAt: null,
      });
    },
    async find(id, purpose, now) {
      const d = (await ctx.get(ref(id))).data();
      return usable(d, purpose, now) ? (d.userId as string) : undefined;
    },
    consume(id, purpose, now) {
      return ctx.atomic(async (c) => {
        const d = (await c.get(ref(id))).data();
        if (!usable(d, purpose, now)) return undefined;
        await c.update(ref(id), { usedAt: now });
        return d.userId as string;
      });
    },
    revokeAll(userId, purpose, at) {
      return ctx.atomic(async (c) => {
        const snap = await c.get(
          c.db
            .collection('emailTokens')
            .where('userId', '==', userId)
            .where('purpose', '==', purpose)
            .where('usedAt', '==', null),
        );
        for (const doc of snap.docs) await c.update(doc.ref, { usedAt: at });
        return snap.size;
      });
    },
  };
}
