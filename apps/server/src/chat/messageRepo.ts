import type { ConversationKind } from '../retention/policy.js';

/**
 * Message storage for room conversations (R6) and workspace threads (R7). Shaped like the other
 * repositories: async, no SQL leaking out, every call scoped by `workspaceId` (a conversation of another
 * workspace behaves as if it did not exist). Times are UTC ISO strings (`Date#toISOString`), so they sort
 * as text. The only cross-conversation query is `findPurgeCandidates`, still one workspace at a time.
 */

export type { ConversationKind };

/** Workspace threads are either a 1:1 direct conversation or a named group. */
export type ThreadType = 'direct' | 'group';

export interface Conversation {
  workspaceId: string;
  id: string;
  kind: ConversationKind;
  /** Only for `kind: 'workspace'`. */
  threadType?: ThreadType;
  title?: string;
  /** Members of a workspace thread; rooms have none (presence decides who sees them). */
  memberIds: string[];
  createdAt: string;
  /** Absent when the conversation has no message (never had, or all were purged). */
  lastMessageAt?: string;
}

export interface Attachment {
  id: string;
  /** Key in the {@link BlobStore}. */
  blobKey: string;
}

export interface Message {
  id: string;
  workspaceId: string;
  conversationId: string;
  senderId: string;
  text: string;
  sentAt: string;
  attachments?: Attachment[];
}

export interface NewThread {
  workspaceId: string;
  id: string;
  type: ThreadType;
  title?: string;
  memberIds: string[];
  createdAt: string;
}

export interface ThreadSummary {
  conversation: Conversation;
  /** Messages from others after the member's read marker. */
  unread: number;
}

export interface ListOptions {
  /** Only messages strictly before this message (older page); default: from the newest. */
  beforeId?: string;
  /** Default 100. */
  limit?: number;
}

export interface DeleteOptions {
  /** Only messages sent at or before this time (the purge leaves a message that arrived meanwhile). */
  sentAtOrBefore?: string;
  /** At most this many messages in one call, so a large conversation is deleted in short steps. */
  limit?: number;
}

export interface DeleteResult {
  messages: number;
  attachments: number;
  /**
   * Blob keys of the deleted attachments. They are also queued in the store (see `pendingBlobDeletes`)
   * in the same transaction, so a crash before the blobs are removed cannot leave them behind.
   */
  blobKeys: string[];
  /** True when the conversation holds no message matching the options any more. */
  done: boolean;
}

export interface PurgeCandidate {
  workspaceId: string;
  conversationId: string;
  kind: ConversationKind;
  lastMessageAt: string;
}

export interface PurgeCandidateQuery {
  workspaceId: string;
  kind: ConversationKind;
  /** Conversations whose last message is strictly older than this. */
  lastMessageBefore: string;
  /** Paging: only conversation ids greater than this. */
  afterConversationId?: string;
  limit: number;
}

export interface PendingBlobDelete {
  workspaceId: string;
  blobKey: string;
}

export interface MessageRepo {
  /** Creates a room's conversation if it does not exist yet (conversation id = room id). */
  ensureRoomConversation(workspaceId: string, roomId: string, now: string): Promise<Conversation>;
  /**
   * Creates a workspace thread. A direct thread between the same two members is unique: opening it again
   * returns the existing one (with its original id).
   */
  createThread(thread: NewThread): Promise<Conversation>;
  getConversation(workspaceId: string, conversationId: string): Promise<Conversation | undefined>;
  /** Adds members to a group thread (idempotent); false when there is no such thread. */
  addMembers(workspaceId: string, conversationId: string, userIds: string[]): Promise<boolean>;
  removeMember(workspaceId: string, conversationId: string, userId: string): Promise<boolean>;
  /** The member's workspace threads, most recently active first, with unread counts. */
  listThreads(workspaceId: string, userId: string): Promise<ThreadSummary[]>;

  /** Appends a message and moves the conversation's last-message time; throws if the conversation is unknown. */
  append(message: Message): Promise<void>;
  /** Oldest first (in the order appended), the newest `limit` before `beforeId`. */
  list(workspaceId: string, conversationId: string, options?: ListOptions): Promise<Message[]>;
  lastMessageAt(workspaceId: string, conversationId: string): Promise<string | undefined>;

  /** Marks everything up to `upTo` (a sent time) as read by `userId`; markers never move backwards. */
  markRead(workspaceId: string, conversationId: string, userId: string, upTo: string): Promise<void>;
  unreadCount(workspaceId: string, conversationId: string, userId: string): Promise<number>;

  /** Deletes a conversation's messages and their attachment rows (all of them unless options narrow it). */
  deleteMessages(workspaceId: string, conversationId: string, options?: DeleteOptions): Promise<DeleteResult>;
  /** Conversations of one workspace that may be due for purge; the retention policy makes the decision. */
  findPurgeCandidates(query: PurgeCandidateQuery): Promise<PurgeCandidate[]>;
  /** Workspaces holding at least one message: the only ones the purge needs to visit. */
  workspacesWithMessages(): Promise<string[]>;
  /** Blob deletions queued by `deleteMessages` and not yet confirmed. */
  pendingBlobDeletes(limit: number): Promise<PendingBlobDelete[]>;
  confirmBlobDeletes(blobKeys: string[]): Promise<void>;
}
