import { FieldPath, FieldValue } from 'firebase-admin/firestore';
import { AppError } from '../../errors.js';
import type { Message, MessageRepo } from '../store.js';
import { type FsContext, isNotFound } from './context.js';
import {
  type ConversationDoc,
  conversationRef,
  memberRef,
  messagesOf,
  toMessage,
  writer,
} from './messageRepo.shared.js';

type MessageMethods = Pick<MessageRepo, 'append' | 'list' | 'lastMessageAt'>;

const APPEND_ATTEMPTS = 40;
/** gRPC 9 FAILED_PRECONDITION: the conversation changed since it was read. */
const isStale = (err: unknown) => (err as { code?: unknown })?.code === 9;

/** Appending and reading messages on Firestore. */
export function firestoreMessageLog(ctx: FsContext): MessageMethods {
  const { db } = ctx;
  const appendOnce = async (m: Message) => {
    const convRef = conversationRef(db, m.workspaceId, m.conversationId);
    const conv = await ctx.get(convRef);
    if (!conv.exists) throw AppError.notFound('No such conversation.');
    const d = conv.data() as ConversationDoc;
    // Keeps the later time when this message is older than one already seen (clocks of two servers).
    const last = d.lastMessageAt && d.lastMessageAt > m.sentAt ? d.lastMessageAt : m.sentAt;
    const w = writer(ctx);
    await w.create(messagesOf(db, m.workspaceId, m.conversationId).doc(m.id), {
      senderId: m.senderId,
      text: m.text,
      sentAt: m.sentAt,
      ...(m.attachments?.length ? { attachments: m.attachments.map((a) => ({ ...a })) } : {}),
    });
    // `update` fails when the conversation is gone (purged room, another workspace's id): nothing lands.
    await w.update(
      convRef,
      { lastMessageAt: last, hasMessages: true, activityAt: last },
      conv.updateTime && { lastUpdateTime: conv.updateTime },
    );
    for (const userId of d.memberIds ?? []) {
      await w.update(memberRef(db, m.workspaceId, m.conversationId, userId), {
        activityAt: last,
        ...(userId !== m.senderId ? { unread: FieldValue.increment(1) } : {}),
      });
    }
    await w.commit();
  };

  return {
    /**
     * One atomic write and no transaction: the message, the conversation's last-message time and every
     * member's counter and activity (`increment`, no read of the counters). The write carries the
     * conversation's update time as a precondition, so two appends racing on a conversation cannot move its
     * last-message time backwards: the later one finds it changed and is redone (optimistic, no locks —
     * a transaction here made a busy room's appends deadlock each other until they timed out). A member who
     * left meanwhile fails the write the same way. A thread has at most 51 members (protocol), far below
     * the 500 writes of one commit.
     */
    async append(m) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await appendOnce(m);
        } catch (err) {
          if (ctx.inTransaction || attempt >= APPEND_ATTEMPTS || !(isNotFound(err) || isStale(err)))
            throw err;
          // Jittered, growing pause so that racing appends spread out instead of colliding again.
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(250, 4 * 2 ** attempt)));
        }
      }
    },

    async list(workspaceId, conversationId, options = {}) {
      const messages = messagesOf(db, workspaceId, conversationId);
      let q = messages.orderBy('sentAt', 'desc').orderBy(FieldPath.documentId(), 'desc');
      if (options.beforeId) {
        const before = await ctx.get(messages.doc(options.beforeId));
        if (!before.exists) return [];
        q = q.startAfter(before.data()?.sentAt, before.id);
      }
      const snap = await ctx.get(q.limit(options.limit ?? 100));
      return snap.docs.map((d) => toMessage(workspaceId, conversationId, d.id, d.data())).reverse();
    },

    async lastMessageAt(workspaceId, conversationId) {
      const snap = await ctx.get(conversationRef(db, workspaceId, conversationId));
      return (snap.data()?.lastMessageAt as string | null | undefined) ?? undefined;
    },
  };
}
