import type { Migration } from '../migrations.js';

/**
 * Messages (R6 room conversations, R7 workspace threads), their members with read markers, attachments,
 * and the queue of blob deletions (R8: a purge removes the files too, even across a crash).
 */
export const m004Messages: Migration = {
  version: 4,
  name: 'conversations, members, messages, attachments, blob deletions',
  up(db) {
    db.exec(`
      CREATE TABLE conversations (
        workspace_id TEXT NOT NULL,
        id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('room','workspace')),
        thread_type TEXT CHECK (thread_type IN ('direct','group')),
        title TEXT,
        direct_key TEXT,
        created_at TEXT NOT NULL,
        last_message_at TEXT,
        PRIMARY KEY (workspace_id, id)
      );
      CREATE UNIQUE INDEX conversations_direct ON conversations (workspace_id, direct_key)
        WHERE direct_key IS NOT NULL;
      -- The purge's candidate query: one workspace, one kind, old last message.
      CREATE INDEX conversations_purge ON conversations (workspace_id, kind, last_message_at)
        WHERE last_message_at IS NOT NULL;
      CREATE TABLE conversation_members (
        workspace_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        read_up_to TEXT,
        PRIMARY KEY (workspace_id, conversation_id, user_id),
        FOREIGN KEY (workspace_id, conversation_id) REFERENCES conversations (workspace_id, id) ON DELETE CASCADE
      );
      CREATE INDEX conversation_members_user ON conversation_members (workspace_id, user_id);
      -- seq is the rowid: the order messages were appended in.
      CREATE TABLE messages (
        seq INTEGER PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        id TEXT NOT NULL,
        sender_id TEXT NOT NULL,
        text TEXT NOT NULL,
        sent_at TEXT NOT NULL,
        FOREIGN KEY (workspace_id, conversation_id) REFERENCES conversations (workspace_id, id)
      );
      CREATE UNIQUE INDEX messages_id ON messages (workspace_id, id);
      CREATE INDEX messages_conversation ON messages (workspace_id, conversation_id, seq);
      -- No cascade on purpose: deleting a message with attachments must go through the repository,
      -- which queues the blobs; the foreign key refuses any other path.
      CREATE TABLE attachments (
        id TEXT NOT NULL,
        workspace_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        blob_key TEXT NOT NULL,
        PRIMARY KEY (workspace_id, id),
        FOREIGN KEY (workspace_id, message_id) REFERENCES messages (workspace_id, id)
      );
      CREATE INDEX attachments_message ON attachments (workspace_id, message_id);
      CREATE TABLE blob_deletions (
        blob_key TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL
      );
    `);
  },
};
