import { FieldValue } from 'firebase-admin/firestore';
import { MAX_THREAD_PAGE } from '../../chat/messageRepo.js';
import { AppError } from '../../errors.js';
import type { MessageRepo } from '../store.js';
import { type FsContext, isAlreadyExists } from './context.js';
import {
  type ConversationDoc,
  conversationRef,
  directRef,
  type MemberDoc,
  memberRef,
  messagesOf,
  threadMembers,
  toConversation,
} from './messageRepo.shared.js';

type ThreadMethods = Pick<
  MessageRepo,
  | 'ensureRoomConversation'
  | 'createThread'
  | 'getConversation'
  | 'addMembers'
  | 'removeMember'
  | 'listThreads'
>;

/** Conversations, thread membership and the member's thread list on Firestore. */
export function firestoreThreads(ctx: FsContext): ThreadMethods {
  const { db } = ctx;

  const get = async (c: FsContext, ws: string, id: string) => {
    const snap = await c.get(conversationRef(db, ws, id));
    return snap.exists ? toConversation(ws, id, snap.data() ?? {}) : undefined;
  };

  /** Unread messages for a member who has read nothing: everything others sent (two counts, no scan). */
  const unreadForNewMember = async (c: FsContext, ws: string, id: string, userId: string) => {
    const messages = messagesOf(db, ws, id);
    const [all, own] = await Promise.all([
      c.count(messages),
      c.count(messages.where('senderId', '==', userId)),
    ]);
    return all - own;
  };

  const createThread: ThreadMethods['createThread'] = async (t) => {
    const members = [...new Set(t.memberIds)].sort();
    if (t.type === 'direct' && members.length !== 2)
      throw new TypeError('a direct thread has exactly two distinct members');
    if (members.length === 0) throw new TypeError('a thread needs at least one member');
    const reservation = t.type === 'direct' ? directRef(db, t.workspaceId, members) : undefined;
    const attempt = () =>
      ctx.atomic(async (c) => {
        if (reservation) {
          const held = await c.get(reservation);
          if (held.exists) {
            const existing = await get(c, t.workspaceId, held.data()?.conversationId);
            if (existing) return existing;
          }
        }
        const doc: ConversationDoc = {
          workspaceId: t.workspaceId,
          kind: 'workspace',
          threadType: t.type,
          ...(t.title !== undefined ? { title: t.title } : {}),
          memberIds: members,
          createdAt: t.createdAt,
          lastMessageAt: null,
          hasMessages: false,
          activityAt: t.createdAt,
        };
        // The reservation is created (not set) in the same commit: a parallel open that got past the
        // read above fails here instead of making a second thread.
        if (reservation) await c.create(reservation, { conversationId: t.id, createdAt: t.createdAt });
        await c.create(conversationRef(db, t.workspaceId, t.id), doc);
        for (const userId of members) {
          const m: MemberDoc = {
            userId,
            conversationId: t.id,
            readUpTo: null,
            unread: 0,
            activityAt: t.createdAt,
          };
          await c.create(memberRef(db, t.workspaceId, t.id, userId), m);
        }
        return toConversation(t.workspaceId, t.id, doc);
      });
    try {
      return await attempt();
    } catch (err) {
      // Lost the race for the pair outside a transaction's retry: the winner's thread is there now.
      if (reservation && isAlreadyExists(err) && !ctx.inTransaction) return attempt();
      throw err;
    }
  };

  const ensureRoomConversation: ThreadMethods['ensureRoomConversation'] = async (
    workspaceId,
    roomId,
    now,
  ) => {
    const existing = await get(ctx, workspaceId, roomId);
    if (existing) {
      if (existing.kind !== 'room') throw AppError.conflict('That id belongs to a workspace thread.');
      return existing;
    }
    const doc: ConversationDoc = {
      workspaceId,
      kind: 'room',
      memberIds: [],
      createdAt: now,
      lastMessageAt: null,
      hasMessages: false,
      activityAt: now,
    };
    try {
      await ctx.create(conversationRef(db, workspaceId, roomId), doc);
      return toConversation(workspaceId, roomId, doc);
    } catch (err) {
      // Someone else made it meanwhile (two people typing into a new room at once).
      if (!isAlreadyExists(err)) throw err;
      return ensureRoomConversation(workspaceId, roomId, now);
    }
  };

  return {
    ensureRoomConversation,

    createThread,

    getConversation(workspaceId, conversationId) {
      return get(ctx, workspaceId, conversationId);
    },

    addMembers(workspaceId, conversationId, userIds) {
      return ctx.atomic(async (c) => {
        const conv = await get(c, workspaceId, conversationId);
        if (conv?.threadType !== 'group') return false;
        const fresh = [...new Set(userIds)].filter((u) => !conv.memberIds.includes(u));
        if (fresh.length === 0) return true;
        const activityAt = conv.lastMessageAt ?? conv.createdAt;
        const unread = await Promise.all(
          fresh.map((u) => unreadForNewMember(c, workspaceId, conversationId, u)),
        );
        await c.update(conversationRef(db, workspaceId, conversationId), {
          memberIds: FieldValue.arrayUnion(...fresh),
        });
        for (const [i, userId] of fresh.entries()) {
          const m: MemberDoc = { userId, conversationId, readUpTo: null, unread: unread[i] ?? 0, activityAt };
          await c.set(memberRef(db, workspaceId, conversationId, userId), m);
        }
        return true;
      });
    },

    removeMember(workspaceId, conversationId, userId) {
      return ctx.atomic(async (c) => {
        const conv = await get(c, workspaceId, conversationId);
        if (conv?.threadType !== 'group' || !conv.memberIds.includes(userId)) return false;
        await c.update(conversationRef(db, workspaceId, conversationId), {
          memberIds: FieldValue.arrayRemove(userId),
        });
        await c.delete(memberRef(db, workspaceId, conversationId, userId));
        return true;
      });
    },

    async listThreads(workspaceId, userId, options = {}) {
      const limit = Math.min(Math.max(1, Math.floor(options.limit ?? MAX_THREAD_PAGE)), MAX_THREAD_PAGE);
      // Index: threadMembers (userId ASC, activityAt DESC, conversationId ASC) — firestore.indexes.json.
      let q = threadMembers(db, workspaceId)
        .where('userId', '==', userId)
        .orderBy('activityAt', 'desc')
        .orderBy('conversationId', 'asc');
      if (options.after) q = q.startAfter(options.after.activityAt, options.after.conversationId);
      const members = (await ctx.get(q.limit(limit))).docs.map((d) => d.data() as MemberDoc);
      const convs = await ctx.getAll(members.map((m) => conversationRef(db, workspaceId, m.conversationId)));
      return members.flatMap((m, i) => {
        const snap = convs[i];
        return snap?.exists
          ? [
              {
                conversation: toConversation(workspaceId, m.conversationId, snap.data() ?? {}),
                unread: m.unread,
              },
            ]
          : [];
      });
    },
  };
}
