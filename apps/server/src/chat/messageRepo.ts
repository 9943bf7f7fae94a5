import type { ConversationKind } from '../retention/policy.js';

/**
 * Message storage for room conversations (R6) and workspace threads (R7). Shaped like the other
 * repositories: async, no SQL leaking out, every call scoped by `workspaceId` (a conversation of another
 * workspace behaves as if it did not exist). Times are UTC ISO strings (`Date#toISOString`), so they sort
 * as text. The only cross-conversation query is `findPurgeCandidates`, still one workspace at a time.
 *
 * Shaped so a document store can serve it without joins or scans: messages are ordered by `(sentAt, id)`
 * (ids from `messageIds.ts` grow within a millisecond), pages are keyset cursors, each member's unread count
 * is a counter kept on append / markRead / delete, and a direct thread is unique by a reservation of its pair.
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

/** Where a page of a member's threads ends: threads sort by activity (newest first), then id. */
export interface ThreadCursor {
  /** `lastMessageAt`, or `createdAt` while the thread has no message. */
  activityAt: string;
  conversationId: string;
}

export interface ListThreadsOptions {
  /** Default and maximum {@link MAX_THREAD_PAGE}. */
  limit?: number;
  /** Only threads after this one (the next page). */
  after?: ThreadCursor;
}

export const MAX_THREAD_PAGE = 200;

/** The cursor that continues a thread listing after `c`. */
export const threadCursor = (c: Conversation): ThreadCursor => ({
  activityAt: c.lastMessageAt ?? c.createdAt,
  conversationId: c.id,
});

export interface ListOptions {
  /**
   * Only messages strictly before this message in `(sentAt, id)` order (older page); default: from the
   * newest. An id that is not in the conversation (e.g. purged meanwhile) gives an empty page.
   */
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

/** One conversation in a {@link MessageRepo.purgeStep}. */
export interface PurgeTarget {
  conversationId: string;
  /** Only messages sent at or before this time (a message arriving during the purge survives); absent: all. */
  sentAtOrBefore?: string;
}

export interface PurgeStepConversation {
  conversationId: string;
  messages: number;
  attachments: number;
  /** True when the conversation holds no message matching its target any more. */
  done: boolean;
}

export interface PurgeStepResult {
  /**
   * The targets this step reached, in the order given; targets after the step's budget ran out are absent.
   * Every one but the last is done; the last may be done or not (pass it first again).
   */
  conversations: PurgeStepConversation[];
  /** Blob keys of the deleted attachments, queued in the store in the same write as their rows. */
  blobKeys: string[];
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
   * Creates a workspace thread. A direct thread between the same two members is unique, also when opened
   * in parallel: opening it again returns the existing one (with its original id).
   */
  createThread(thread: NewThread): Promise<Conversation>;
  getConversation(workspaceId: string, conversationId: string): Promise<Conversation | undefined>;
  /** Adds members to a group thread (idempotent); false when there is no such thread. */
  addMembers(workspaceId: string, conversationId: string, userIds: string[]): Promise<boolean>;
  removeMember(workspaceId: string, conversationId: string, userId: string): Promise<boolean>;
  /**
   * One page of the member's workspace threads, most recently active first (ties by id), with unread
   * counts; continue with `after: threadCursor(last.conversation)`.
   */
  listThreads(workspaceId: string, userId: string, options?: ListThreadsOptions): Promise<ThreadSummary[]>;

  /**
   * Appends a message, moves the conversation's last-message time and counts it as unread for every other
   * member whose marker is before it; throws if the conversation is unknown.
   */
  append(message: Message): Promise<void>;
  /** Oldest first in `(sentAt, id)` order, the newest `limit` before `beforeId`. */
  list(workspaceId: string, conversationId: string, options?: ListOptions): Promise<Message[]>;
  lastMessageAt(workspaceId: string, conversationId: string): Promise<string | undefined>;

  /**
   * Marks everything up to `upTo` (a sent time) as read by `userId` and recounts what is left unread;
   * markers never move backwards, nor past the conversation's last message (so a message appended later
   * always counts as unread for the other members, on every engine).
   */
  markRead(workspaceId: string, conversationId: string, userId: string, upTo: string): Promise<void>;
  unreadCount(workspaceId: string, conversationId: string, userId: string): Promise<number>;

  /**
   * Deletes a conversation's messages (oldest first in `(sentAt, id)` order) and their attachment rows
   * (all of them unless options narrow it); members' unread counts drop by the unread messages deleted.
   */
  deleteMessages(workspaceId: string, conversationId: string, options?: DeleteOptions): Promise<DeleteResult>;
  /**
   * One bounded step of a purge over several conversations of one workspace: deletes at most `limit`
   * messages in all, the targets in the order given and each oldest first in `(sentAt, id)` order, with
   * their attachment rows, and queues the blobs (see `pendingBlobDeletes`) in the same write as the rows, so
   * a crash cannot leave a blob behind unqueued. Members' unread counts and the conversations' last-message
   * times follow. Always makes progress: it finishes a target or deletes at least one message. An engine
   * may commit one step in several writes (Firestore: ≤ 500 per batch) if each message goes in the same
   * write as its blobs' queue entries. Not transactional work: never inside `transaction`.
   */
  purgeStep(workspaceId: string, targets: PurgeTarget[], limit: number): Promise<PurgeStepResult>;
  /** Conversations of one workspace that may be due for purge; the retention policy makes the decision. */
  findPurgeCandidates(query: PurgeCandidateQuery): Promise<PurgeCandidate[]>;
  /** Workspaces holding at least one message: the only ones the purge needs to visit. */
  workspacesWithMessages(): Promise<string[]>;
  /** Blob deletions queued by `deleteMessages` and not yet confirmed. */
  pendingBlobDeletes(limit: number): Promise<PendingBlobDelete[]>;
  confirmBlobDeletes(blobKeys: string[]): Promise<void>;
}

/** The retention purge's part of {@link MessageRepo}: bulk deletes, purge candidates, the blob outbox. */
export type MessagePurgeRepo = Pick<
  MessageRepo,
  | 'deleteMessages'
  | 'purgeStep'
  | 'findPurgeCandidates'
  | 'workspacesWithMessages'
  | 'pendingBlobDeletes'
  | 'confirmBlobDeletes'
>;
