import type { Database } from 'better-sqlite3';

/**
 * Where a delete batch ends in `(sent_at, id)` order, inclusive; without `id`, every message sent at or
 * before `sentAt`; `null`: the whole conversation.
 */
export type DeleteThrough = { sentAt: string; id?: string } | null;

/**
 * Keeps each member's unread counter and thread activity right when messages go (migration 006).
 * Both run inside the caller's delete transaction; rooms have no member rows, so they cost nothing there.
 */
export interface ThreadCounters {
  /**
   * Call BEFORE deleting the conversation's messages up to and including `through`: every member's counter
   * drops by the messages from others in that range after their read marker.
   */
  beforeDelete(workspaceId: string, conversationId: string, through: DeleteThrough): void;
  /** Call after the conversation's `last_message_at` changed (e.g. recomputed after a purge). */
  afterLastMessageChanged(workspaceId: string, conversationId: string): void;
}

/** SQLite implementation of {@link ThreadCounters}; statements are prepared on first use. */
export function sqliteThreadCounters(db: Database): ThreadCounters {
  let forget: ReturnType<Database['prepare']> | undefined;
  let activity: ReturnType<Database['prepare']> | undefined;
  return {
    beforeDelete(ws, id, through) {
      // Counts only the deleted range between the marker and `through`, from the (sent_at, id) index.
      forget ??= db.prepare(
        `UPDATE conversation_members AS me SET unread = unread - (SELECT COUNT(*) FROM messages x
           WHERE x.workspace_id = me.workspace_id AND x.conversation_id = me.conversation_id
             AND x.sent_at > COALESCE(me.read_up_to, '') AND x.sender_id <> me.user_id
             AND (@s IS NULL OR x.sent_at < @s OR (x.sent_at = @s AND (@i IS NULL OR x.id <= @i))))
         WHERE me.workspace_id = @ws AND me.conversation_id = @id AND me.unread > 0`,
      );
      forget.run({ ws, id, s: through?.sentAt ?? null, i: through?.id ?? null });
    },
    afterLastMessageChanged(ws, id) {
      activity ??= db.prepare(
        `UPDATE conversation_members SET activity_at = (SELECT COALESCE(c.last_message_at, c.created_at)
           FROM conversations c WHERE c.workspace_id = @ws AND c.id = @id)
         WHERE workspace_id = @ws AND conversation_id = @id`,
      );
      activity.run({ ws, id });
    },
  };
}
