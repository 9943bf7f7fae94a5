import type { DocumentData } from 'firebase-admin/firestore';
import { blobKeysOf, type ImageRecord, type ImageRepo } from '../../images/imageRepo.js';
import { BATCH_LIMIT, type FsContext } from './context.js';
import { tenantCollection, tenantDoc } from './paths.js';

/**
 * Images as `workspaces/{ws}/images/{imageId}` = the {@link ImageRecord} without its workspace id. The
 * current profile/workspace image of an owner is the one record of that kind + ownerId; replacing it reads
 * and writes in one atomic step, so two concurrent uploads leave exactly one current image.
 */
export function firestoreImages(ctx: FsContext): ImageRepo {
  const col = (c: FsContext, ws: string) => tenantCollection(c.db, ws, 'images');
  const ref = (c: FsContext, ws: string, id: string) => tenantDoc(c.db, ws, 'images', id);
  const toDoc = ({ workspaceId: _ws, ...rest }: ImageRecord) => rest;
  const toRecord = (ws: string, d: DocumentData): ImageRecord => ({
    workspaceId: ws,
    id: d.id,
    kind: d.kind,
    ownerId: d.ownerId,
    uploaderId: d.uploaderId,
    contentType: d.contentType,
    width: d.width,
    height: d.height,
    bytes: d.bytes,
    createdAt: d.createdAt,
  });
  const currentOf = async (c: FsContext, ws: string, kind: string, owner: string) => {
    const snap = await c.get(col(c, ws).where('kind', '==', kind).where('ownerId', '==', owner));
    return snap.docs.map((d) => toRecord(ws, d.data()));
  };
  return {
    async addPending(rec) {
      if (rec.kind !== 'message') throw new TypeError('addPending: message images only');
      await ctx.create(ref(ctx, rec.workspaceId, rec.id), toDoc(rec));
    },
    setCurrent(rec) {
      if (rec.kind === 'message') throw new TypeError('setCurrent: profile or workspace images only');
      return ctx.atomic(async (c) => {
        const before = await currentOf(c, rec.workspaceId, rec.kind, rec.ownerId);
        for (const b of before) await c.delete(ref(c, rec.workspaceId, b.id));
        await c.create(ref(c, rec.workspaceId, rec.id), toDoc(rec));
        return before[0];
      });
    },
    async current(ws, kind, owner) {
      return (await currentOf(ctx, ws, kind, owner))[0];
    },
    clearCurrent(ws, kind, owner) {
      return ctx.atomic(async (c) => {
        const before = await currentOf(c, ws, kind, owner);
        for (const b of before) await c.delete(ref(c, ws, b.id));
        return before[0];
      });
    },
    async profileImages(ws) {
      const snap = await ctx.get(col(ctx, ws).where('kind', '==', 'profile'));
      return Object.fromEntries(snap.docs.map((d) => [d.data().ownerId as string, d.id]));
    },
    async get(ws, id) {
      const snap = await ctx.get(ref(ctx, ws, id));
      return snap.exists ? toRecord(ws, snap.data()!) : undefined;
    },
    takePending(ws, uploaderId, ids) {
      const wanted = [...new Set(ids)];
      return ctx.atomic(async (c) => {
        const snaps = await c.getAll(wanted.map((id) => ref(c, ws, id)));
        const recs = snaps.map((s) => (s.exists ? toRecord(ws, s.data()!) : undefined));
        if (recs.some((r) => r?.kind !== 'message' || r.uploaderId !== uploaderId)) return undefined;
        for (const r of recs) await c.delete(ref(c, ws, r!.id));
        return recs as ImageRecord[];
      });
    },
    async takeExpiredPending(ws, before, limit) {
      // Plain read, then one atomic step that takes only those still pending (a send may have taken some).
      const snap = await ctx.get(
        col(ctx, ws).where('kind', '==', 'message').where('createdAt', '<', before).limit(limit),
      );
      const ids = snap.docs.map((d) => d.id);
      if (ids.length === 0) return [];
      return ctx.atomic(async (c) => {
        const snaps = await c.getAll(ids.map((id) => ref(c, ws, id)));
        const recs = snaps.filter((s) => s.exists).map((s) => toRecord(ws, s.data()!));
        for (const r of recs) await c.delete(ref(c, ws, r.id));
        return recs;
      });
    },
    async expiredPending(before, limit) {
      // Every workspace's `images` (collection group); the workspace id is the parent document's.
      const snap = await ctx.get(
        ctx.db
          .collectionGroup('images')
          .where('kind', '==', 'message')
          .where('createdAt', '<', before)
          .orderBy('createdAt')
          .limit(limit),
      );
      return snap.docs.flatMap((d) => {
        const ws = d.ref.parent.parent?.id;
        return ws ? [{ workspaceId: ws, id: d.id }] : [];
      });
    },
    async eraseWorkspace(ws) {
      ctx.assertNotInTransaction('images.eraseWorkspace');
      let images = 0;
      const blobKeys: string[] = [];
      for (;;) {
        const snap = await ctx.get(col(ctx, ws).limit(BATCH_LIMIT));
        if (snap.empty) break;
        const batch = ctx.db.batch();
        for (const d of snap.docs) {
          batch.delete(d.ref);
          blobKeys.push(...blobKeysOf({ workspaceId: ws, id: d.id }));
        }
        await batch.commit();
        images += snap.size;
      }
      return { images, blobKeys };
    },
  };
}
