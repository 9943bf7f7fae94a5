import { type DocumentData, FieldPath, type Firestore, type Query } from 'firebase-admin/firestore';
import { type ChainHead, EMPTY_HEAD, nextLink } from '../../audit/accessLogChain.js';
import type { AccessLogEvent, AccessLogQuery, AccessLogRepo, ChainedAccessLogEvent } from '../store.js';
import { BATCH_LIMIT, type FsContext } from './context.js';
import { segment, tenantCollection } from './paths.js';

const DEFAULT_LIMIT = 1000;

/**
 * Appends of one process queue per workspace chain before their transaction: they would all contend on
 * the head document, and a burst (a sign-in fanned out, a test's 100 parallel appends) would use up the
 * transaction's retries. Other instances still race through the transaction, which retries on contention.
 */
const queues = new WeakMap<Firestore, Map<string, Promise<unknown>>>();

function queued<T>(db: Firestore, key: string, fn: () => Promise<T>): Promise<T> {
  let perDb = queues.get(db);
  if (!perDb) {
    perDb = new Map();
    queues.set(db, perDb);
  }
  const run = (perDb.get(key) ?? Promise.resolve()).then(fn, fn);
  const tail = run.catch(() => undefined);
  perDb.set(key, tail);
  void tail.then(() => {
    if (perDb.get(key) === tail) perDb.delete(key);
  });
  return run;
}

/**
 * `workspaces/{ws}/accessLog/{eventId}`, the chain's head in `workspaces/{ws}/accessLogChain/head`;
 * events tied to no workspace (a failed sign-in of an unknown email) go to the top-level `accessLog`
 * collection and `accessLogChain/head`. An append reads the head, creates the entry and moves the head in
 * one transaction (`ctx.atomic`), so concurrent appends from any instance never fork the chain. Listing is
 * newest first in (at, id) order, which the keyset cursor continues; equality filters on userId/type need
 * the composite indexes declared in `firestore.indexes.json`.
 */
export function firestoreAccessLog(ctx: FsContext): AccessLogRepo {
  const collection = (workspaceId: string | null) =>
    workspaceId === null
      ? ctx.db.collection('accessLog')
      : tenantCollection(ctx.db, workspaceId, 'accessLog');
  const headRef = (workspaceId: string | null) =>
    (workspaceId === null
      ? ctx.db.collection('accessLogChain')
      : tenantCollection(ctx.db, workspaceId, 'accessLogChain')
    ).doc('head');
  const readHead = async (c: FsContext, workspaceId: string | null): Promise<ChainHead> => {
    const snap = await c.get(headRef(workspaceId));
    const d = snap.data();
    return d
      ? { seq: d.seq, hash: d.hash, prunedSeq: d.prunedSeq ?? 0, prunedHash: d.prunedHash ?? EMPTY_HEAD.hash }
      : EMPTY_HEAD;
  };
  const appendIn = (e: AccessLogEvent) =>
    ctx.atomic(async (c) => {
      const { entry, head } = nextLink(await readHead(c, e.workspaceId), e);
      await c.create(collection(e.workspaceId).doc(segment(e.id)), {
        workspaceId: e.workspaceId,
        userId: e.userId,
        type: e.type,
        at: e.at,
        ip: e.ip,
        userAgent: e.userAgent,
        detail: e.detail,
        seq: entry.seq,
        prevHash: entry.prevHash,
        hash: entry.hash,
      });
      await c.set(headRef(e.workspaceId), head);
    });
  return {
    async append(e: AccessLogEvent) {
      if (ctx.inTransaction) await appendIn(e);
      else await queued(ctx.db, e.workspaceId ?? '', () => appendIn(e));
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
    async chain(workspaceId, page): Promise<ChainedAccessLogEvent[]> {
      const query = collection(workspaceId).where('seq', '>', page.afterSeq).orderBy('seq').limit(page.limit);
      const snap = await ctx.get(query);
      return snap.docs.map((d) => {
        const data = d.data();
        return { ...toEvent(d.id, data), seq: data.seq, prevHash: data.prevHash, hash: data.hash };
      });
    },
    async chainHead(workspaceId) {
      return readHead(ctx, workspaceId);
    },
    async chains() {
      const snap = await ctx.get(ctx.db.collectionGroup('accessLogChain'));
      return snap.docs.map((d) => d.ref.parent.parent?.id ?? null);
    },
    async pruneBefore(workspaceId, before, limit) {
      // One transaction: at most `limit` deletes plus the head (Firestore commits ≤ 500 writes).
      const n = Math.min(limit, BATCH_LIMIT - 1);
      return ctx.atomic(async (c) => {
        const head = await readHead(c, workspaceId);
        const oldest = await c.get(
          collection(workspaceId).where('seq', '>', head.prunedSeq).orderBy('seq').limit(n),
        );
        let k = 0;
        while (k < oldest.docs.length && oldest.docs[k]!.get('at') < before) k++;
        if (k === 0) return 0;
        const last = oldest.docs[k - 1]!;
        for (const d of oldest.docs.slice(0, k)) await c.delete(d.ref);
        await c.set(headRef(workspaceId), {
          ...head,
          prunedSeq: last.get('seq'),
          prunedHash: last.get('hash'),
        });
        return k;
      });
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
