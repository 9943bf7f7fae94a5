import type { Migration } from '../migrations.js';

/**
 * Message queries a document store can also serve (issue 10):
 * - each member's unread count is a counter (`conversation_members.unread`) kept on append, markRead and
 *   delete, instead of a count over the messages on every listing;
 * - a member's threads list by `activity_at` (last message, else creation) from an index, page by page;
 * - messages order by `(sent_at, id)` (ids grow within a millisecond) instead of the rowid, so the
 *   rowid index is replaced. Rows sent in the same millisecond before this migration had random ids:
 *   among themselves they now list by id rather than by arrival (only within that millisecond).
 * Existing rows are counted once here, with the query the counters replace.
 */
export const m006MessageCounters: Migration = {
  version: 6,
  name: 'unread counters, thread activity, (sent_at, id) message order',
  up(db) {
    db.exec(`
      ALTER TABLE conversation_members ADD COLUMN unread INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE conversation_members ADD COLUMN activity_at TEXT NOT NULL DEFAULT '';
      UPDATE conversation_members AS me SET
        unread = (SELECT COUNT(*) FROM messages x
          WHERE x.workspace_id = me.workspace_id AND x.conversation_id = me.conversation_id
            AND x.sender_id <> me.user_id AND x.sent_at > COALESCE(me.read_up_to, '')),
        activity_at = (SELECT COALESCE(c.last_message_at, c.created_at) FROM conversations c
          WHERE c.workspace_id = me.workspace_id AND c.id = me.conversation_id);
      DROP INDEX conversation_members_user;
      CREATE INDEX conversation_members_threads
        ON conversation_members (workspace_id, user_id, activity_at DESC, conversation_id);
      DROP INDEX messages_conversation;
      CREATE INDEX messages_order ON messages (workspace_id, conversation_id, sent_at, id);
    `);
  },
};
