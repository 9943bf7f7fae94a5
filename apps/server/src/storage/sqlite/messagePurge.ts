import type { Database } from 'better-sqlite3';
import type { DeleteResult, MessageRepo } from '../../chat/messageRepo.js';

/** The retention purge's part of {@link MessageRepo}: bulk deletes, purge candidates, the blob outbox. */
export type MessagePurgeRepo = Pick<
  MessageRepo,
  | 'deleteMessages'
  | 'findPurgeCandidates'
  | 'workspacesWithMessages'
  | 'pendingBlobDeletes'
  | 'confirmBlobDeletes'
>;

// Statements are prepared on first use: the store is built before `migrate()` creates the tables.
function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

/** SQLite implementation of the purge methods of {@link MessageRepo}; `sqliteMessages` composes it. */
export function sqliteMessagePurge(db: Database): MessagePurgeRepo {
  // The selection a delete batch works on; both statements below use it so they see the same rows.
  const batch = `SELECT id FROM messages WHERE workspace_id = @ws AND conversation_id = @id
    AND (@upTo IS NULL OR sent_at <= @upTo) ORDER BY seq LIMIT @limit`;
  const deleteAttachments = lazy(() =>
    db.prepare<Record<string, unknown>, { blob_key: string }>(
      `DELETE FROM attachments WHERE workspace_id = @ws AND message_id IN (${batch}) RETURNING blob_key`,
    ),
  );
  const deleteBatch = lazy(() =>
    db.prepare(`DELETE FROM messages WHERE workspace_id = @ws AND id IN (${batch})`),
  );
  const queueBlob = lazy(() =>
    db.prepare('INSERT OR IGNORE INTO blob_deletions (blob_key, workspace_id) VALUES (?, ?)'),
  );
  const anyLeft = lazy(() =>
    db.prepare<Record<string, unknown>, { n: number }>(
      `SELECT EXISTS (SELECT 1 FROM messages WHERE workspace_id = @ws AND conversation_id = @id
     AND (@upTo IS NULL OR sent_at <= @upTo)) AS n`,
    ),
  );
  const recomputeLast = lazy(() =>
    db.prepare(
      `UPDATE conversations SET last_message_at = (SELECT MAX(sent_at) FROM messages
       WHERE workspace_id = @ws AND conversation_id = @id)
     WHERE workspace_id = @ws AND id = @id`,
    ),
  );

  const deleteMessages = db.transaction(
    (ws: string, id: string, upTo: string | null, limit: number): DeleteResult => {
      const params = { ws, id, upTo, limit };
      const blobKeys = deleteAttachments()
        .all(params)
        .map((r) => r.blob_key);
      for (const k of blobKeys) queueBlob().run(k, ws);
      const messages = deleteBatch().run(params).changes;
      const done = anyLeft().get(params)?.n === 0;
      if (done) recomputeLast().run(params);
      return { messages, attachments: blobKeys.length, blobKeys, done };
    },
  );

  return {
    async deleteMessages(workspaceId, conversationId, options = {}) {
      // LIMIT -1 is SQLite's "no limit".
      return deleteMessages.immediate(
        workspaceId,
        conversationId,
        options.sentAtOrBefore ?? null,
        options.limit ?? -1,
      );
    },
    async findPurgeCandidates(q) {
      return db
        .prepare<Record<string, unknown>, { conversation_id: string; last_message_at: string }>(
          `SELECT id AS conversation_id, last_message_at FROM conversations
           WHERE workspace_id = @workspaceId AND kind = @kind
             AND last_message_at IS NOT NULL AND last_message_at < @lastMessageBefore AND id > @after
           ORDER BY id LIMIT @limit`,
        )
        .all({ ...q, after: q.afterConversationId ?? '' })
        .map((r) => ({
          workspaceId: q.workspaceId,
          conversationId: r.conversation_id,
          kind: q.kind,
          lastMessageAt: r.last_message_at,
        }));
    },
    async workspacesWithMessages() {
      return db
        .prepare<[], { workspace_id: string }>(
          'SELECT DISTINCT workspace_id FROM conversations WHERE last_message_at IS NOT NULL ORDER BY workspace_id',
        )
        .all()
        .map((r) => r.workspace_id);
    },
    async pendingBlobDeletes(limit) {
      return db
        .prepare<[number], { blob_key: string; workspace_id: string }>(
          'SELECT blob_key, workspace_id FROM blob_deletions ORDER BY rowid LIMIT ?',
        )
        .all(limit)
        .map((r) => ({ workspaceId: r.workspace_id, blobKey: r.blob_key }));
    },
    async confirmBlobDeletes(blobKeys) {
      const del = db.prepare('DELETE FROM blob_deletions WHERE blob_key = ?');
      db.transaction(() => {
        for (const k of blobKeys) del.run(k);
      }).immediate();
    },
  };
}
