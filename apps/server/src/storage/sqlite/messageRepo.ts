import type { Database } from 'better-sqlite3';
import {
  type Conversation,
  type ConversationKind,
  MAX_THREAD_PAGE,
  type Message,
  type MessageRepo,
  type NewThread,
  type ThreadType,
} from '../../chat/messageRepo.js';
import { AppError } from '../../errors.js';
import { sqliteMessagePurge } from './messagePurge.js';

interface ConversationRow {
  workspace_id: string;
  id: string;
  kind: ConversationKind;
  thread_type: ThreadType | null;
  title: string | null;
  created_at: string;
  last_message_at: string | null;
  members: string;
}

interface MessageRow {
  id: string;
  workspace_id: string;
  conversation_id: string;
  sender_id: string;
  text: string;
  sent_at: string;
}

const CONVERSATION_COLUMNS = `c.workspace_id, c.id, c.kind, c.thread_type, c.title, c.created_at, c.last_message_at,
  (SELECT json_group_array(m.user_id) FROM conversation_members m
    WHERE m.workspace_id = c.workspace_id AND m.conversation_id = c.id) AS members`;

const toConversation = (r: ConversationRow): Conversation => ({
  workspaceId: r.workspace_id,
  id: r.id,
  kind: r.kind,
  ...(r.thread_type ? { threadType: r.thread_type } : {}),
  ...(r.title !== null ? { title: r.title } : {}),
  memberIds: (JSON.parse(r.members) as string[]).sort(),
  createdAt: r.created_at,
  ...(r.last_message_at ? { lastMessageAt: r.last_message_at } : {}),
});

// A direct thread is identified by its two members, whatever order they are given in.
const directKey = (memberIds: string[]) => JSON.stringify([...memberIds].sort());

// Statements are prepared on first use: the store is built before `migrate()` creates the tables.
function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

/** SQLite implementation of {@link MessageRepo}. Each method is one synchronous transaction. */
export function sqliteMessages(db: Database): MessageRepo {
  const getConversation = lazy(() =>
    db.prepare<{ ws: string; id: string }, ConversationRow>(
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations c WHERE c.workspace_id = @ws AND c.id = @id`,
    ),
  );
  const insertConversation = lazy(() =>
    db.prepare(
      `INSERT INTO conversations (workspace_id, id, kind, thread_type, title, direct_key, created_at)
     VALUES (@ws, @id, @kind, @threadType, @title, @directKey, @createdAt)`,
    ),
  );
  const insertMessage = lazy(() =>
    db.prepare(
      `INSERT INTO messages (workspace_id, conversation_id, id, sender_id, text, sent_at)
     VALUES (@workspaceId, @conversationId, @id, @senderId, @text, @sentAt)`,
    ),
  );
  const insertAttachment = lazy(() =>
    db.prepare('INSERT INTO attachments (id, workspace_id, message_id, blob_key) VALUES (?, ?, ?, ?)'),
  );
  const touchConversation = lazy(() =>
    db.prepare(
      `UPDATE conversations SET last_message_at = @sentAt WHERE workspace_id = @workspaceId AND id = @conversationId
     AND (last_message_at IS NULL OR last_message_at < @sentAt)`,
    ),
  );
  // One statement per append for all members: the message is unread for every other member (markers
  // never pass the last message, see markRead), and every member's thread list sees the new activity.
  const countAppended = lazy(() =>
    db.prepare(
      `UPDATE conversation_members SET
         unread = unread + (user_id <> @senderId),
         activity_at = (SELECT COALESCE(c.last_message_at, c.created_at) FROM conversations c
           WHERE c.workspace_id = @workspaceId AND c.id = @conversationId)
       WHERE workspace_id = @workspaceId AND conversation_id = @conversationId`,
    ),
  );
  const findDirect = lazy(() =>
    db.prepare<[string, string], { id: string }>(
      'SELECT id FROM conversations WHERE workspace_id = ? AND direct_key = ?',
    ),
  );
  // A new member has read nothing: everything from others so far is unread.
  const addMember = lazy(() =>
    db.prepare(
      `INSERT OR IGNORE INTO conversation_members (workspace_id, conversation_id, user_id, unread, activity_at)
       SELECT c.workspace_id, c.id, @userId,
         (SELECT COUNT(*) FROM messages x WHERE x.workspace_id = c.workspace_id AND x.conversation_id = c.id
           AND x.sender_id <> @userId),
         COALESCE(c.last_message_at, c.created_at)
       FROM conversations c WHERE c.workspace_id = @ws AND c.id = @id`,
    ),
  );
  const removeMember = lazy(() =>
    db.prepare(
      `DELETE FROM conversation_members WHERE workspace_id = @ws AND conversation_id = @id AND user_id = @userId
       AND conversation_id IN (SELECT id FROM conversations WHERE workspace_id = @ws AND thread_type = 'group')`,
    ),
  );
  // The member rows carry the sort key, so a page is a walk of one index (no sort of all the threads).
  const listThreads = lazy(() =>
    db.prepare<Record<string, unknown>, ConversationRow & { unread: number }>(
      `SELECT ${CONVERSATION_COLUMNS}, me.unread
       FROM conversation_members me
       JOIN conversations c ON c.workspace_id = me.workspace_id AND c.id = me.conversation_id
       WHERE me.workspace_id = @ws AND me.user_id = @userId
         AND (@at IS NULL OR me.activity_at < @at OR (me.activity_at = @at AND me.conversation_id > @after))
       ORDER BY me.activity_at DESC, me.conversation_id LIMIT @limit`,
    ),
  );
  const listMessages = lazy(() =>
    db.prepare<Record<string, unknown>, MessageRow>(
      `SELECT id, workspace_id, conversation_id, sender_id, text, sent_at FROM messages
       WHERE workspace_id = @ws AND conversation_id = @id
         AND (@before IS NULL OR (sent_at, id) < (SELECT sent_at, id FROM messages
           WHERE workspace_id = @ws AND conversation_id = @id AND id = @before))
       ORDER BY sent_at DESC, id DESC LIMIT @limit`,
    ),
  );
  // The marker stops at the last message: a marker in the future would leave later messages uncounted.
  const markRead = lazy(() =>
    db.prepare(
      `UPDATE conversation_members SET read_up_to = m.mark,
         unread = (SELECT COUNT(*) FROM messages x WHERE x.workspace_id = @ws AND x.conversation_id = @id
           AND x.sent_at > m.mark AND x.sender_id <> @userId)
       FROM (SELECT MIN(@upTo, COALESCE(last_message_at, @upTo)) AS mark FROM conversations
         WHERE workspace_id = @ws AND id = @id) AS m
       WHERE workspace_id = @ws AND conversation_id = @id AND user_id = @userId
         AND (read_up_to IS NULL OR read_up_to < m.mark)`,
    ),
  );
  const unreadCount = lazy(() =>
    db.prepare<[string, string, string], { unread: number }>(
      'SELECT unread FROM conversation_members WHERE workspace_id = ? AND conversation_id = ? AND user_id = ?',
    ),
  );

  const find = (ws: string, id: string) => {
    const row = getConversation().get({ ws, id });
    return row && toConversation(row);
  };

  // The unique index on (workspace_id, direct_key) is the pair's reservation; the IMMEDIATE transaction
  // makes the look-up and the insert one step, so parallel opens find the first thread.
  const createThread = db.transaction((t: NewThread): Conversation => {
    const members = [...new Set(t.memberIds)];
    if (t.type === 'direct' && members.length !== 2)
      throw new TypeError('a direct thread has exactly two distinct members');
    if (members.length === 0) throw new TypeError('a thread needs at least one member');
    const key = t.type === 'direct' ? directKey(members) : null;
    if (key) {
      const existing = findDirect().get(t.workspaceId, key);
      if (existing) return find(t.workspaceId, existing.id) as Conversation;
    }
    insertConversation().run({
      ws: t.workspaceId,
      id: t.id,
      kind: 'workspace',
      threadType: t.type,
      title: t.title ?? null,
      directKey: key,
      createdAt: t.createdAt,
    });
    for (const u of members) addMember().run({ ws: t.workspaceId, id: t.id, userId: u });
    return find(t.workspaceId, t.id) as Conversation;
  });

  const append = db.transaction((m: Message) => {
    if (!getConversation().get({ ws: m.workspaceId, id: m.conversationId }))
      throw AppError.notFound('No such conversation.');
    insertMessage().run(m);
    for (const a of m.attachments ?? []) insertAttachment().run(a.id, m.workspaceId, m.id, a.blobKey);
    touchConversation().run(m);
    countAppended().run(m);
  });

  return {
    // Purge methods (bulk deletes, candidates, blob outbox) live in messagePurge.ts.
    ...sqliteMessagePurge(db),
    async ensureRoomConversation(workspaceId, roomId, now) {
      const existing = find(workspaceId, roomId);
      if (existing) {
        if (existing.kind !== 'room') throw AppError.conflict('That id belongs to a workspace thread.');
        return existing;
      }
      db.prepare(
        `INSERT OR IGNORE INTO conversations (workspace_id, id, kind, created_at) VALUES (?, ?, 'room', ?)`,
      ).run(workspaceId, roomId, now);
      return find(workspaceId, roomId) as Conversation;
    },
    async createThread(thread) {
      return createThread.immediate(thread);
    },
    async getConversation(workspaceId, conversationId) {
      return find(workspaceId, conversationId);
    },
    async addMembers(workspaceId, conversationId, userIds) {
      const c = find(workspaceId, conversationId);
      if (c?.threadType !== 'group') return false;
      db.transaction(() => {
        for (const userId of userIds) addMember().run({ ws: workspaceId, id: conversationId, userId });
      }).immediate();
      return true;
    },
    async removeMember(workspaceId, conversationId, userId) {
      return removeMember().run({ ws: workspaceId, id: conversationId, userId }).changes === 1;
    },
    async listThreads(workspaceId, userId, options = {}) {
      const limit = Math.min(Math.max(1, Math.floor(options.limit ?? MAX_THREAD_PAGE)), MAX_THREAD_PAGE);
      const rows = listThreads().all({
        ws: workspaceId,
        userId,
        at: options.after?.activityAt ?? null,
        after: options.after?.conversationId ?? null,
        limit,
      });
      return rows.map((r) => ({ conversation: toConversation(r), unread: r.unread }));
    },

    async append(message) {
      append.immediate(message);
    },
    async list(workspaceId, conversationId, options = {}) {
      const rows = listMessages()
        .all({
          ws: workspaceId,
          id: conversationId,
          before: options.beforeId ?? null,
          limit: options.limit ?? 100,
        })
        .reverse();
      if (rows.length === 0) return [];
      const attachments = db
        .prepare<string[], { id: string; message_id: string; blob_key: string }>(
          `SELECT id, message_id, blob_key FROM attachments WHERE workspace_id = ?
           AND message_id IN (${rows.map(() => '?').join(',')}) ORDER BY rowid`,
        )
        .all(workspaceId, ...rows.map((r) => r.id));
      return rows.map((r) => {
        const own = attachments.filter((a) => a.message_id === r.id);
        return {
          id: r.id,
          workspaceId: r.workspace_id,
          conversationId: r.conversation_id,
          senderId: r.sender_id,
          text: r.text,
          sentAt: r.sent_at,
          ...(own.length ? { attachments: own.map((a) => ({ id: a.id, blobKey: a.blob_key })) } : {}),
        };
      });
    },
    async lastMessageAt(workspaceId, conversationId) {
      return find(workspaceId, conversationId)?.lastMessageAt;
    },

    async markRead(workspaceId, conversationId, userId, upTo) {
      // Recounts only the messages after the new marker (the index range past `upTo`).
      markRead().run({ upTo, ws: workspaceId, id: conversationId, userId });
    },
    async unreadCount(workspaceId, conversationId, userId) {
      return unreadCount().get(workspaceId, conversationId, userId)?.unread ?? 0;
    },
  };
}
