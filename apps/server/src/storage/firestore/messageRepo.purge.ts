import {
  type DocumentSnapshot,
  FieldPath,
  FieldValue,
  type QueryDocumentSnapshot,
  type Timestamp,
} from 'firebase-admin/firestore';
import type { MessagePurgeRepo, PurgeStepConversation, PurgeStepResult } from '../store.js';
import { BATCH_LIMIT, chunks, type FsContext } from './context.js';
import {
  blobDeletionRef,
  type ConversationDoc,
  conversationRef,
  countsAsUnread,
  type MemberDoc,
  memberRef,
  messagesOf,
  tenantConversations,
} from './messageRepo.shared.js';

/** Messages read per conversation and batch; with attachments, members and the conversation, ≤ 500 writes. */
const STEP = 400;
/** Most conversations read at once for one batch (sized from the conversations purged just before). */
const MAX_WINDOW = 32;
const ATTEMPTS = 10;

interface Target {
  conversationId: string;
  sentAtOrBefore?: string;
}

/** What one batch read of a conversation: read in this order, so a later change fails a precondition. */
interface Seen {
  target: Target;
  conv: DocumentSnapshot;
  members: DocumentSnapshot[];
  /** The oldest messages in range, one more than the batch may take (to know whether more are left). */
  found: QueryDocumentSnapshot[];
  newest: QueryDocumentSnapshot | undefined;
}

/** One conversation's share of a batch. */
type Share = PurgeStepConversation & { blobKeys: string[] };

/** gRPC 9 FAILED_PRECONDITION (a document changed since read), 5 NOT_FOUND, 10 ABORTED. */
const isRace = (err: unknown) => [5, 9, 10].includes((err as { code?: number })?.code ?? -1);

/**
 * The retention purge on Firestore, in batched writes of at most {@link BATCH_LIMIT}: each batch deletes
 * messages of one or more conversations together with the queued blob deletions of their attachments (so a
 * crash cannot lose a file), the members' unread counters and, when a conversation empties, its last-message
 * time. No transaction and no locks: the conversation and member documents a batch writes carry the update
 * time they were read at as a precondition, and they are read before the messages, so an append, markRead
 * or membership change that lands in between fails the batch (nothing of it is written) and the batch is
 * read and planned again. Not a unit of work: it refuses to run inside `store.transaction`.
 */
export function firestorePurge(ctx: FsContext): MessagePurgeRepo {
  const { db } = ctx;

  // Average size of the conversations purged last (messages, writes), to size the next read window.
  const size = { messages: STEP, writes: BATCH_LIMIT };

  const read = async (ws: string, target: Target, want: number): Promise<Seen> => {
    const id = target.conversationId;
    const conv = await ctx.get(conversationRef(db, ws, id));
    const memberIds: string[] = conv.exists ? ((conv.data() as ConversationDoc).memberIds ?? []) : [];
    const members = (await ctx.getAll(memberIds.map((u) => memberRef(db, ws, id, u)))).filter(
      (s) => s.exists,
    );
    const messages = messagesOf(db, ws, id);
    const inRange =
      target.sentAtOrBefore === undefined ? messages : messages.where('sentAt', '<=', target.sentAtOrBefore);
    const [found, newest] = await Promise.all([
      ctx.get(
        // Only what the purge needs of each message (not its text).
        inRange
          .select('senderId', 'sentAt', 'attachments')
          .orderBy('sentAt')
          .orderBy(FieldPath.documentId())
          .limit(want + 1),
      ),
      ctx.get(messages.orderBy('sentAt', 'desc').orderBy(FieldPath.documentId(), 'desc').limit(1)),
    ]);
    return { target, conv, members, found: found.docs, newest: newest.docs[0] };
  };

  /**
   * One batch over the targets from the first: reads a window of them at once, plans in order within the
   * budget and the write limit, commits. Returns the shares (every one done except perhaps the last).
   */
  const batchStep = async (
    ws: string,
    targets: Target[],
    budget: number,
    window: number,
  ): Promise<Share[]> => {
    for (let attempt = 1; ; attempt++) {
      const want = Math.min(budget, STEP);
      const seen = await Promise.all(targets.slice(0, window).map((t) => read(ws, t, want)));
      const batch = db.batch();
      const shares: Share[] = [];
      let writes = 0;
      let left = budget;
      for (const s of seen) {
        const share: Share = {
          conversationId: s.target.conversationId,
          messages: 0,
          attachments: 0,
          done: true,
          blobKeys: [],
        };
        if (!s.conv.exists || s.found.length === 0) {
          shares.push(share);
          continue;
        }
        const fixed = s.members.length + 1;
        if (left === 0 || (writes > 0 && writes + fixed + 1 > BATCH_LIMIT)) break;
        writes += fixed;
        const picked: QueryDocumentSnapshot[] = [];
        for (const doc of s.found.slice(0, Math.min(want, left))) {
          const cost = 1 + ((doc.data().attachments as unknown[] | undefined)?.length ?? 0);
          if (picked.length > 0 && writes + cost > BATCH_LIMIT) break;
          picked.push(doc);
          writes += cost;
        }
        left -= picked.length;
        share.done = picked.length === s.found.length;
        const emptied = share.done && (s.newest === undefined || picked.some((d) => d.id === s.newest?.id));
        const conv = s.conv.data() as ConversationDoc;
        for (const doc of picked) {
          for (const a of (doc.data().attachments as { blobKey: string }[] | undefined) ?? []) {
            share.blobKeys.push(a.blobKey);
            batch.set(blobDeletionRef(db, a.blobKey), {
              workspaceId: ws,
              blobKey: a.blobKey,
              queuedAt: FieldValue.serverTimestamp(),
            });
          }
          batch.delete(doc.ref);
        }
        for (const snap of s.members) {
          const m = snap.data() as MemberDoc;
          const gone = picked.filter((d) => countsAsUnread(m, d.data().senderId, d.data().sentAt)).length;
          if (gone === 0 && !emptied) continue;
          batch.update(
            snap.ref,
            { unread: Math.max(0, m.unread - gone), ...(emptied ? { activityAt: conv.createdAt } : {}) },
            { lastUpdateTime: snap.updateTime as Timestamp },
          );
        }
        if (emptied) {
          batch.update(
            s.conv.ref,
            { lastMessageAt: null, hasMessages: false, activityAt: conv.createdAt },
            { lastUpdateTime: s.conv.updateTime as Timestamp },
          );
        }
        share.messages = picked.length;
        share.attachments = share.blobKeys.length;
        shares.push(share);
        if (!share.done) break;
      }
      try {
        if (writes > 0) await batch.commit();
        return shares;
      } catch (err) {
        if (!isRace(err) || attempt >= ATTEMPTS) throw err;
      }
    }
  };

  /** Deletes up to `limit` messages of the targets in order; stops at the first target not done. */
  const purge = async (ws: string, targets: Target[], limit: number): Promise<PurgeStepResult> => {
    const result: PurgeStepResult = { conversations: [], blobKeys: [] };
    let budget = limit;
    let next = 0;
    while (next < targets.length && budget > 0) {
      // As many conversations as the last ones suggest fit in one batch and the budget: reading more would
      // be wasted, reading fewer costs a round trip.
      const window = Math.max(
        1,
        Math.min(MAX_WINDOW, Math.floor(BATCH_LIMIT / size.writes), Math.ceil(budget / size.messages)),
      );
      const shares = await batchStep(ws, targets.slice(next), budget, window);
      for (const share of shares) {
        const { blobKeys, ...counts } = share;
        const previous = result.conversations.at(-1);
        // A conversation larger than one batch continues in the next one: one entry, counts added up.
        if (previous && previous.conversationId === counts.conversationId && !previous.done) {
          previous.messages += counts.messages;
          previous.attachments += counts.attachments;
          previous.done = counts.done;
        } else {
          result.conversations.push(counts);
        }
        result.blobKeys.push(...blobKeys);
        budget -= counts.messages;
      }
      const last = shares.at(-1);
      if (last === undefined) throw new Error('purge made no progress');
      next += shares.filter((s) => s.done).length;
      const whole = shares.filter((s) => s.done && s.messages > 0);
      if (!last.done) {
        size.messages = STEP;
        size.writes = BATCH_LIMIT;
      } else if (whole.length > 0) {
        size.messages = whole.reduce((n, s) => n + s.messages, 0) / whole.length;
        size.writes = whole.reduce((n, s) => n + s.messages + s.attachments + 1, 0) / whole.length;
      }
    }
    return result;
  };

  return {
    async deleteMessages(workspaceId, conversationId, options = {}) {
      ctx.assertNotInTransaction('messages.deleteMessages');
      const limit = options.limit ?? Number.POSITIVE_INFINITY;
      const target = {
        conversationId,
        ...(options.sentAtOrBefore ? { sentAtOrBefore: options.sentAtOrBefore } : {}),
      };
      const r = await purge(workspaceId, [target], limit);
      const c = r.conversations[0] ?? { messages: 0, attachments: 0, done: true };
      return { messages: c.messages, attachments: c.attachments, blobKeys: r.blobKeys, done: c.done };
    },

    async purgeStep(workspaceId, targets, limit) {
      ctx.assertNotInTransaction('messages.purgeStep');
      if (!(Number.isInteger(limit) && limit >= 1)) throw new RangeError('limit must be a positive integer');
      return purge(workspaceId, targets, limit);
    },

    /**
     * Walks the workspace's conversations of this kind that hold messages, in id order, keeping those whose
     * last message is old enough: equality filters only (no composite index), and never a message read.
     */
    async findPurgeCandidates(q) {
      const out: Awaited<ReturnType<MessagePurgeRepo['findPurgeCandidates']>> = [];
      let after = q.afterConversationId;
      const page = Math.max(q.limit, 100);
      for (;;) {
        let query = tenantConversations(db, q.workspaceId)
          .where('kind', '==', q.kind)
          .where('hasMessages', '==', true)
          .orderBy(FieldPath.documentId());
        if (after !== undefined) query = query.startAfter(after);
        const snap = await ctx.get(query.limit(page));
        for (const d of snap.docs) {
          const last = d.data().lastMessageAt as string | null;
          if (last && last < q.lastMessageBefore) {
            out.push({ workspaceId: q.workspaceId, conversationId: d.id, kind: q.kind, lastMessageAt: last });
            if (out.length === q.limit) return out;
          }
        }
        if (snap.docs.length < page) return out;
        after = snap.docs[snap.docs.length - 1]?.id;
      }
    },

    /**
     * A skip scan: each query jumps to the next workspace id holding a non-empty conversation and reads one
     * document, so the cost grows with the workspaces that have messages, not with messages or conversations.
     */
    async workspacesWithMessages() {
      const out: string[] = [];
      for (;;) {
        // Index: collection group conversations (hasMessages ASC, workspaceId ASC) — firestore.indexes.json.
        let q = db.collectionGroup('conversations').where('hasMessages', '==', true);
        const previous = out.at(-1);
        if (previous !== undefined) q = q.where('workspaceId', '>', previous);
        const snap = await ctx.get(q.orderBy('workspaceId').limit(1));
        const ws = snap.docs[0]?.data().workspaceId as string | undefined;
        if (ws === undefined) return out;
        out.push(ws);
      }
    },

    async pendingBlobDeletes(limit) {
      const snap = await ctx.get(
        db.collection('blobDeletions').orderBy('queuedAt').orderBy(FieldPath.documentId()).limit(limit),
      );
      return snap.docs.map((d) => ({ workspaceId: d.data().workspaceId, blobKey: d.data().blobKey }));
    },

    async confirmBlobDeletes(blobKeys) {
      for (const part of chunks(blobKeys, BATCH_LIMIT)) {
        const batch = db.batch();
        for (const k of part) batch.delete(blobDeletionRef(db, k));
        await batch.commit();
      }
    },
  };
}
