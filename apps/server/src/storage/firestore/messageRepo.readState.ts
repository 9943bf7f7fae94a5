import type { MessageRepo } from '../store.js';
import type { FsContext } from './context.js';
import { conversationRef, type MemberDoc, memberRef, messagesOf } from './messageRepo.shared.js';

type ReadStateMethods = Pick<MessageRepo, 'markRead' | 'unreadCount'>;

/** Read markers and unread counters on Firestore: a counter read is one document read. */
export function firestoreReadState(ctx: FsContext): ReadStateMethods {
  const { db } = ctx;
  return {
    /**
     * Moves the marker (never past the last message: see {@link MessageRepo.markRead}) and recounts what is
     * left with two `count()` aggregations over the messages after it (all, and the reader's own) — never a
     * read of the messages themselves. The transaction orders it against appends and purges, which write
     * the member document it read.
     */
    markRead(workspaceId, conversationId, userId, upTo) {
      return ctx.atomic(async (c) => {
        const ref = memberRef(db, workspaceId, conversationId, userId);
        const [snap, conv] = await Promise.all([
          c.get(ref),
          c.get(conversationRef(db, workspaceId, conversationId)),
        ]);
        if (!snap.exists) return;
        const member = snap.data() as MemberDoc;
        const last = conv.data()?.lastMessageAt as string | null | undefined;
        const mark = last && last < upTo ? last : upTo;
        if (member.readUpTo !== null && member.readUpTo >= mark) return;
        const after = messagesOf(db, workspaceId, conversationId).where('sentAt', '>', mark);
        // Index: messages (senderId ASC, sentAt ASC) — firestore.indexes.json.
        const [all, own] = await Promise.all([
          c.count(after),
          c.count(after.where('senderId', '==', userId)),
        ]);
        await c.update(ref, { readUpTo: mark, unread: all - own });
      });
    },

    async unreadCount(workspaceId, conversationId, userId) {
      const snap = await ctx.get(memberRef(db, workspaceId, conversationId, userId));
      return (snap.data()?.unread as number | undefined) ?? 0;
    },
  };
}
