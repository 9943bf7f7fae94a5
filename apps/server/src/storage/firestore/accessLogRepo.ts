import { type DocumentData, FieldPath, type Query } from 'firebase-admin/firestore';
import type { AccessLogEvent, AccessLogQuery, AccessLogRepo } from '../store.js';
import type { FsContext } from './context.js';
import { segment, tenantCollection } from './paths.js';

const DEFAULT_LIMIT = 1000;

/**
 * `workspaces/{ws}/accessLog/{eventId}`; events tied to no workspace (a failed sign-in of an unknown
 * email) go to the top-level `accessLog` collection. Listing is newest first in (at, id) order, which the
 * keyset cursor continues; equality filters on userId/type need the composite indexes declared in
 * `firestore.indexes.json`.
 */
export function firestoreAccessLog(ctx: FsContext): AccessLogRepo {
  const collection = (workspaceId: string | null) =>
    workspaceId === null
      ? ctx.db.collection('accessLog')
      : tenantCollection(ctx.db, workspaceId, 'accessLog');
  return {
    async append(e: AccessLogEvent) {
      await ctx.create(collection(e.workspaceId).doc(segment(e.id)), {
        workspaceId: e.workspaceId,
        userId: e.userId,
        type: e.type,
        at: e.at,
        ip: e.ip,
        userAgent: e.userAgent,
        detail: e.detail,
      });
    },
    async list(q: AccessLogQuery) {
      let query: Query = collection(q.workspaceId);
      if (q.userId) query = query.where('userId', '==', q.userId);
      if (q.type) query = query.where('type', '==', q.type);
      if (q.from) query = query.where('at', '>=', q.from);
      if (q.to) query = query.where('at', '<', q.to);
      query = query.orderBy('at', 'desc').orderBy(FieldPath.documentId(), 'desc');
      if (q.after) query = query.startAfter(q.after.at, segment(q.after.id));
      const snap = await ctx.get(query.limit(q.limit ?? DEFAULT_LIMIT));
      return snap.docs.map((d) => toEvent(d.id, d.data()));
    },
  };
}

const toEvent = (id: string, d: DocumentData): AccessLogEvent => ({
  id,
  workspaceId: d.workspaceId ?? null,
  userId: d.userId ?? null,
  type: d.type,
  at: d.at,
  ip: d.ip ?? null,
  userAgent: d.userAgent ?? null,
  detail: d.detail ?? {},
});
