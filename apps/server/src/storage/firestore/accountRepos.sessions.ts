import type { DocumentData } from 'firebase-admin/firestore';
import type { Session, SessionRepo } from '../store.js';
import { deleteAll, updateIfExists } from './accountRepos.shared.js';
import type { FsContext } from './context.js';
import { globalDoc } from './paths.js';

/** `sessions/{id}` (the id is the sha256 of the cookie token), found per user by `userId`. */
const toDoc = (s: Session): DocumentData => ({
  userId: s.userId,
  csrfToken: s.csrfToken,
  method: s.method,
  createdAt: s.createdAt,
  lastSeenAt: s.lastSeenAt,
  expiresAt: s.expiresAt,
  ip: s.ip,
  userAgent: s.userAgent,
});

const toSession = (id: string, d: DocumentData): Session => ({
  id,
  userId: d.userId,
  csrfToken: d.csrfToken,
  method: d.method,
  createdAt: d.createdAt,
  lastSeenAt: d.lastSeenAt,
  expiresAt: d.expiresAt,
  ip: d.ip ?? null,
  userAgent: d.userAgent ?? null,
});

export function firestoreSessions(ctx: FsContext): SessionRepo {
  const ref = (id: string) => globalDoc(ctx.db, 'sessions', id);
  return {
    async create(s) {
      await ctx.create(ref(s.id), toDoc(s));
    },
    async get(id) {
      const snap = await ctx.get(ref(id));
      return snap.exists ? toSession(snap.id, snap.data()!) : undefined;
    },
    async touch(id, lastSeenAt) {
      // `update`, not `set`: touching a session that just ended must not bring it back.
      await updateIfExists(ctx, ref(id), { lastSeenAt });
    },
    async delete(id) {
      await ctx.delete(ref(id));
    },
    async deleteAllForUser(userId) {
      const snap = await ctx.get(ctx.db.collection('sessions').where('userId', '==', userId));
      await deleteAll(
        ctx,
        snap.docs.map((d) => d.ref),
      );
      return snap.size;
    },
  };
}
