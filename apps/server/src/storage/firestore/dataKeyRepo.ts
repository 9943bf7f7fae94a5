import type { DocumentSnapshot } from 'firebase-admin/firestore';
import type { DataKeyRepo, WrappedDataKey } from '../../crypto/dataKeyRepo.js';
import type { FsContext } from './context.js';
import { globalDoc, segment } from './paths.js';

const toKey = (snap: DocumentSnapshot): WrappedDataKey => {
  const d = snap.data()!;
  return {
    workspaceId: snap.id,
    masterKeyId: d.masterKeyId as string,
    wrapped: Buffer.from(d.wrapped as Uint8Array),
    createdAt: d.createdAt as string,
  };
};

/**
 * The data keys in the top-level collection `dataKeys/{workspaceId}` = { masterKeyId, wrapped (bytes),
 * createdAt }: outside `workspaces/{id}/…`, so the key is a separate thing to delete (crypto-shredding).
 */
export function firestoreDataKeys(ctx: FsContext): DataKeyRepo {
  const ref = (c: FsContext, ws: string) => globalDoc(c.db, 'dataKeys', segment(ws));
  return {
    async get(workspaceId) {
      const snap = await ctx.get(ref(ctx, workspaceId));
      return snap.exists ? toKey(snap) : undefined;
    },
    createIfAbsent(k) {
      return ctx.atomic(async (c) => {
        const snap = await c.get(ref(c, k.workspaceId));
        if (snap.exists) return toKey(snap);
        await c.create(ref(c, k.workspaceId), {
          masterKeyId: k.masterKeyId,
          wrapped: k.wrapped,
          createdAt: k.createdAt,
        });
        return k;
      });
    },
    rewrap(workspaceId, from, to) {
      return ctx.atomic(async (c) => {
        const snap = await c.get(ref(c, workspaceId));
        if (!snap.exists || snap.data()?.masterKeyId !== from) return false;
        await c.update(ref(c, workspaceId), { masterKeyId: to.masterKeyId, wrapped: to.wrapped });
        return true;
      });
    },
    async listWrappedByOthers(ids, limit) {
      if (ids.length === 0 || ids.length > 10) throw new RangeError('1–10 master key ids');
      const snap = await ctx.get(
        ctx.db
          .collection('dataKeys')
          .where('masterKeyId', 'not-in', [...ids])
          .limit(limit),
      );
      return snap.docs.map(toKey).sort((a, b) => (a.workspaceId < b.workspaceId ? -1 : 1));
    },
    async anyWrappedBy(masterKeyId) {
      const snap = await ctx.get(
        ctx.db.collection('dataKeys').where('masterKeyId', '==', masterKeyId).limit(1),
      );
      return snap.docs[0] && toKey(snap.docs[0]);
    },
    async delete(workspaceId) {
      await ctx.delete(ref(ctx, workspaceId));
    },
  };
}
