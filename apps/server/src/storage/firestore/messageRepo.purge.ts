import {
  type DocumentData,
  FieldPath,
  FieldValue,
  type QueryDocumentSnapshot,
} from 'firebase-admin/firestore';
import type { DeleteResult, MessageRepo, PurgeStepResult } from '../store.js';
import { BATCH_LIMIT, chunks, type FsContext, runInTransaction } from './context.js';
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

type PurgeMethods = Pick<
  MessageRepo,
  | 'deleteMessages'
  | 'purgeStep'
  | 'findPurgeCandidates'
  | 'workspacesWithMessages'
  | 'pendingBlobDeletes'
  | 'confirmBlobDeletes'
>;

/** Messages read per step; with their attachments, members and the conversation, a commit stays ≤ 500 writes. */
const STEP = 400;

/**
 * The retention purge on Firestore. Every step is one transaction of at most {@link BATCH_LIMIT} writes:
 * the messages it deletes, the queued blob deletions of their attachments (in the same commit, so a crash
 * cannot lose a file), the members' unread counters (read in the transaction, so a concurrent markRead or
 * append is ordered against it) and, on the last step, the conversation's last-message time. Not a unit of
 * work: it refuses to run inside `store.transaction`.
 */
export function firestorePurge(ctx: FsContext): PurgeMethods {
  const { db } = ctx;

  /** Deletes up to `max` of the conversation's oldest messages sent at or before `upTo`. */
  const step = (ws: string, id: string, upTo: string | undefined, max: number): Promise<DeleteResult> =>
    runInTransaction(db, async (c) => {
      const convSnap = await c.get(conversationRef(db, ws, id));
      if (!convSnap.exists) return { messages: 0, attachments: 0, blobKeys: [], done: true };
      const conv = convSnap.data() as ConversationDoc;
      const messages = messagesOf(db, ws, id);
      const q = (upTo === undefined ? messages : messages.where('sentAt', '<=', upTo))
        .orderBy('sentAt')
        .orderBy(FieldPath.documentId());
      const want = Math.min(max, STEP);
      const found = (await c.get(q.limit(want + 1))).docs;
      const members = (await c.getAll((conv.memberIds ?? []).map((u) => memberRef(db, ws, id, u)))).filter(
        (s) => s.exists,
      );
      // Fixed writes: members and the conversation; then messages with their blobs.
      let writes = members.length + 1;
      const picked: QueryDocumentSnapshot<DocumentData>[] = [];
      for (const doc of found.slice(0, want)) {
        const cost = 1 + ((doc.data().attachments as unknown[] | undefined)?.length ?? 0);
        if (picked.length > 0 && writes + cost > BATCH_LIMIT) break;
        picked.push(doc);
        writes += cost;
      }
      const done = picked.length === found.length;
      // Done and the newest message went too: the conversation is empty now.
      let emptied = false;
      if (done && picked.length > 0) {
        const newest = (
          await c.get(
            messagesOf(db, ws, id).orderBy('sentAt', 'desc').orderBy(FieldPath.documentId(), 'desc').limit(1),
          )
        ).docs[0];
        emptied = newest === undefined || picked.some((d) => d.id === newest.id);
      }

      const blobKeys: string[] = [];
      for (const doc of picked) {
        for (const a of (doc.data().attachments as { blobKey: string }[] | undefined) ?? []) {
          blobKeys.push(a.blobKey);
          await c.set(blobDeletionRef(db, a.blobKey), {
            workspaceId: ws,
            blobKey: a.blobKey,
            queuedAt: FieldValue.serverTimestamp(),
          });
        }
        await c.delete(doc.ref);
      }
      for (const snap of members) {
        const m = snap.data() as MemberDoc;
        const gone = picked.filter((d) => countsAsUnread(m, d.data().senderId, d.data().sentAt)).length;
        const patch = {
          ...(gone > 0 ? { unread: Math.max(0, m.unread - gone) } : {}),
          ...(emptied ? { activityAt: conv.createdAt } : {}),
        };
        if (Object.keys(patch).length > 0) await c.update(snap.ref, patch);
      }
      if (emptied) {
        await c.update(convSnap.ref, { lastMessageAt: null, hasMessages: false, activityAt: conv.createdAt });
      }
      return { messages: picked.length, attachments: blobKeys.length, blobKeys, done };
    });

  /** Steps through one conversation until it is done or `max` messages went. */
  const drain = async (ws: string, id: string, upTo: string | undefined, max: number) => {
    let left = max;
    const total: DeleteResult = { messages: 0, attachments: 0, blobKeys: [], done: false };
    while (left > 0) {
      const r = await step(ws, id, upTo, left);
      total.messages += r.messages;
      total.attachments += r.attachments;
      total.blobKeys.push(...r.blobKeys);
      total.done = r.done;
      left -= r.messages;
      if (r.done) break;
    }
    return total;
  };

  return {
    async deleteMessages(workspaceId, conversationId, options = {}) {
      ctx.assertNotInTransaction('messages.deleteMessages');
      return drain(
        workspaceId,
        conversationId,
        options.sentAtOrBefore,
        options.limit ?? Number.POSITIVE_INFINITY,
      );
    },

    async purgeStep(workspaceId, targets, limit) {
      ctx.assertNotInTransaction('messages.purgeStep');
      if (!(Number.isInteger(limit) && limit >= 1)) throw new RangeError('limit must be a positive integer');
      const result: PurgeStepResult = { conversations: [], blobKeys: [] };
      let budget = limit;
      for (const t of targets) {
        if (budget <= 0) break;
        const r = await drain(workspaceId, t.conversationId, t.sentAtOrBefore, budget);
        result.conversations.push({
          conversationId: t.conversationId,
          messages: r.messages,
          attachments: r.attachments,
          done: r.done,
        });
        result.blobKeys.push(...r.blobKeys);
        budget -= r.messages;
        if (!r.done) break;
      }
      return result;
    },

    /**
     * Walks the workspace's conversations of this kind that hold messages, in id order, keeping those whose
     * last message is old enough: equality filters only (no composite index), and never a message read.
     */
    async findPurgeCandidates(q) {
      const out: Awaited<ReturnType<PurgeMethods['findPurgeCandidates']>> = [];
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
