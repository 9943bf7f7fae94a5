import type { Database } from 'better-sqlite3';
import type {
  DeleteResult,
  MessagePurgeRepo,
  MessageRepo,
  PurgeStepResult,
  PurgeTarget,
} from '../../chat/messageRepo.js';
import { sqliteThreadCounters } from './threadCounters.js';

// Statements are prepared on first use: the store is built before `migrate()` creates the tables.
function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

/** Sorts after every ISO time and every message id: stands for "no bound" in a `(sent_at, id)` range. */
const TOP = '\uffff';

interface StepRow {
  conversationId: string;
  messages: number;
  attachments: number;
  done: boolean;
}

/** SQLite implementation of the purge methods of {@link MessageRepo}; `sqliteMessages` composes it. */
export function sqliteMessagePurge(db: Database): MessagePurgeRepo {
  const counters = sqliteThreadCounters(db);
  // Every statement below selects one conversation's messages by a range of the (sent_at, id) order, so a
  // step walks an index range instead of looking rows up one id at a time.
  // The last message a budget of @offset + 1 reaches, among those sent at or before @upTo.
  const boundary = lazy(() =>
    db.prepare<Record<string, unknown>, { s: string; i: string }>(
      `SELECT sent_at AS s, id AS i FROM messages
       WHERE workspace_id = @ws AND conversation_id = @id AND sent_at <= @upTo
       ORDER BY sent_at, id LIMIT 1 OFFSET @offset`,
    ),
  );
  const deleteAttachments = lazy(() =>
    db.prepare<Record<string, unknown>, { blob_key: string }>(
      `DELETE FROM attachments WHERE workspace_id = @ws AND message_id IN (
         SELECT id FROM messages WHERE workspace_id = @ws AND conversation_id = @id AND (sent_at, id) <= (@s, @i))
       RETURNING blob_key`,
    ),
  );
  const deleteRange = lazy(() =>
    db.prepare(
      `DELETE FROM messages WHERE workspace_id = @ws AND conversation_id = @id AND (sent_at, id) <= (@s, @i)`,
    ),
  );
  const queueBlob = lazy(() =>
    db.prepare('INSERT OR IGNORE INTO blob_deletions (blob_key, workspace_id) VALUES (?, ?)'),
  );
  const anyLeft = lazy(() =>
    db.prepare<Record<string, unknown>, { n: number }>(
      `SELECT EXISTS (SELECT 1 FROM messages WHERE workspace_id = @ws AND conversation_id = @id
       AND sent_at <= @upTo) AS n`,
    ),
  );
  const recomputeLast = lazy(() =>
    db.prepare(
      `UPDATE conversations SET last_message_at = (SELECT MAX(sent_at) FROM messages
       WHERE workspace_id = @ws AND conversation_id = @id)
     WHERE workspace_id = @ws AND id = @id`,
    ),
  );

  /** Deletes up to `budget` (≥ 1; -1: no limit) of one conversation's messages, oldest first. */
  const deleteOne = (ws: string, id: string, upTo: string, budget: number, blobKeys: string[]): StepRow => {
    // Only when the conversation may hold more than the budget does the step end inside it.
    const bound = budget < 0 ? undefined : boundary().get({ ws, id, upTo, offset: budget - 1 });
    const range = { ws, id, s: bound?.s ?? upTo, i: bound?.i ?? TOP };
    counters.beforeDelete(ws, id, range.s === TOP ? null : { sentAt: range.s, id: range.i });
    const keys = deleteAttachments()
      .all(range)
      .map((r) => r.blob_key);
    for (const k of keys) queueBlob().run(k, ws);
    blobKeys.push(...keys);
    const messages = deleteRange().run(range).changes;
    const done = bound === undefined || anyLeft().get({ ws, id, upTo })?.n === 0;
    if (done) {
      recomputeLast().run({ ws, id });
      counters.afterLastMessageChanged(ws, id);
    }
    return { conversationId: id, messages, attachments: keys.length, done };
  };

  const purgeStep = db.transaction((ws: string, targets: PurgeTarget[], limit: number): PurgeStepResult => {
    const conversations: StepRow[] = [];
    const blobKeys: string[] = [];
    let budget = limit;
    for (const t of targets) {
      if (budget <= 0) break;
      const row = deleteOne(ws, t.conversationId, t.sentAtOrBefore ?? TOP, budget, blobKeys);
      conversations.push(row);
      if (!row.done) break;
      budget -= row.messages;
    }
    return { conversations, blobKeys };
  });

  // The attachments → messages foreign key is there so no code path can drop a message and forget its
  // blobs. A step deletes the attachment rows first, with the very range it then deletes messages by, in
  // the same transaction, so the key holds by construction; checking it costs a look-up per message and
  // stops SQLite deleting in one pass (about half of a step's time). So a step runs with the checks off.
  // The pragma cannot change inside a transaction (there it is a no-op and the checks stay on), and the
  // connection is only used synchronously here, so no other statement runs while they are off.
  const withoutKeyChecks = <T>(fn: () => T): T => {
    const was = db.pragma('foreign_keys', { simple: true }) as number;
    if (!was || db.inTransaction) return fn();
    db.pragma('foreign_keys = OFF');
    try {
      return fn();
    } finally {
      db.pragma('foreign_keys = ON');
    }
  };

  const deleteMessages = db.transaction(
    (ws: string, id: string, upTo: string, limit: number): DeleteResult => {
      const blobKeys: string[] = [];
      const { messages, attachments, done } = deleteOne(ws, id, upTo, limit, blobKeys);
      return { messages, attachments, blobKeys, done };
    },
  );

  return {
    async deleteMessages(workspaceId, conversationId, options = {}) {
      const limit = options.limit ?? -1;
      if (limit !== -1 && !(Number.isInteger(limit) && limit >= 1))
        throw new RangeError('limit must be a positive integer');
      return withoutKeyChecks(() =>
        deleteMessages.immediate(workspaceId, conversationId, options.sentAtOrBefore ?? TOP, limit),
      );
    },
    async purgeStep(workspaceId, targets, limit) {
      if (!(Number.isInteger(limit) && limit >= 1)) throw new RangeError('limit must be a positive integer');
      return withoutKeyChecks(() => purgeStep.immediate(workspaceId, targets, limit));
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
