import { type DocumentData, FieldPath, type Firestore, type Query } from 'firebase-admin/firestore';
import { type ChainHead, EMPTY_HEAD, nextLink } from '../../audit/accessLogChain.js';
import type { AccessLogEvent, AccessLogQuery, AccessLogRepo, ChainedAccessLogEvent } from '../store.js';
import { BATCH_LIMIT, type FsContext } from './context.js';
import { segment, tenantCollection } from './paths.js';

const DEFAULT_LIMIT = 1000;

/** Appends written in one transaction at most (each is one create; the head is one more write). */
const APPEND_BATCH = 100;

interface PendingAppend {
  event: AccessLogEvent;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Appends of one process wait per workspace chain, and one writer drains them, up to `APPEND_BATCH` per
 * transaction: separate transactions would all contend on the head document (a burst — a sign-in fanned
 * out, 100 parallel appends — used up their retries), and one transaction per append made a chain take
 * ~15 appends/s on a loaded emulator. Other instances still race through the transaction, which retries on
 * contention. A failed batch is retried one append at a time, so one bad event fails alone.
 */
const pendingAppends = new WeakMap<Firestore, Map<string, PendingAppend[]>>();

function enqueueAppend(
  db: Firestore,
  key: string,
  event: AccessLogEvent,
  write: (events: AccessLogEvent[]) => Promise<void>,
): Promise<void> {
  let perDb = pendingAppends.get(db);
  if (!perDb) {
    perDb = new Map();
    pendingAppends.set(db, perDb);
  }
  const chainMap = perDb;
  const existing = chainMap.get(key);
  const queue = existing ?? [];
  const done = new Promise<void>((resolve, reject) => queue.push({ event, resolve, reject }));
  if (existing) return done;
  chainMap.set(key, queue);
  void (async () => {
    while (queue.length > 0) {
      const batch = queue.splice(0, APPEND_BATCH);
      try {
        await write(batch.map((p) => p.event));
        for (const p of batch) p.resolve();
      } catch (err) {
        if (batch.length === 1) batch[0]!.reject(err);
        else {
          for (const p of batch) {
            try {
              await write([p.event]);
              p.resolve();
            } catch (one) {
              p.reject(one);
            }
          }
        }
      }
    }
    chainMap.delete(key);
  })();
  return done;
}

/**
 * `workspaces/{ws}/accessLog/{eventId}`, the chain's head in `workspaces/{ws}/accessLogChain/head`;
 * events tied to no workspace (a failed sign-in of an unknown email) go to the top-level `accessLog`
 * collection and `accessLogChain/head`. An append reads the head, creates the entry and moves the head in
 * one transaction (`ctx.atomic`, with the appends queued behind it), so concurrent appends from any
 * instance never fork the chain. Listing is
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
  /** Appends `events` (all of one chain) after its head in one transaction. */
  const appendIn = (events: AccessLogEvent[]) =>
    ctx.atomic(async (c) => {
      const workspaceId = events[0]!.workspaceId;
      let head = await readHead(c, workspaceId);
      for (const e of events) {
        const link = nextLink(head, e);
        const { entry } = link;
        head = link.head;
        await c.create(collection(workspaceId).doc(segment(e.id)), {
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
      }
      await c.set(headRef(workspaceId), head);
    });
  return {
    async append(e: AccessLogEvent) {
      if (ctx.inTransaction) await appendIn([e]);
      else await enqueueAppend(ctx.db, e.workspaceId ?? '', e, appendIn);
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
