import type {
  DocumentData,
  DocumentReference,
  Firestore,
  Precondition,
  UpdateData,
} from 'firebase-admin/firestore';
import type { Conversation, Message } from '../store.js';
import type { FsContext } from './context.js';
import { globalDoc, keyId, tenantCollection, tenantDoc } from './paths.js';

/**
 * The message documents (issue 10), all under `workspaces/{ws}/` so another workspace's id reaches nothing:
 * - `conversations/{id}`: kind, threadType, title, `memberIds` (sorted), createdAt, `lastMessageAt` (null
 *   when empty), `hasMessages` (purge candidates), `activityAt` (lastMessageAt ?? createdAt);
 * - `conversations/{id}/messages/{messageId}`: senderId, text, sentAt, attachments (inline: a message and
 *   its attachments go in one write); ordered by `(sentAt, document id)`, ids grow within a millisecond;
 * - `threadMembers/{user}:{conversation}`: one member's read state — `readUpTo`, the `unread` counter,
 *   and `activityAt` (the thread's, copied) so a member's thread list is one indexed query;
 * - `directThreads/{a}:{b}` (sorted member ids): the reservation that makes a direct thread unique.
 * Global: `blobDeletions/{blobKey}`, the outbox of files to remove. The workspaces holding messages are
 * found from the conversations' `hasMessages` and `workspaceId` fields (one collection-group query per
 * such workspace, no scan).
 */

export const tenantConversations = (db: Firestore, ws: string) => tenantCollection(db, ws, 'conversations');
export const conversationRef = (db: Firestore, ws: string, id: string) =>
  tenantDoc(db, ws, 'conversations', id);
export const messagesOf = (db: Firestore, ws: string, conversationId: string) =>
  conversationRef(db, ws, conversationId).collection('messages');
export const threadMembers = (db: Firestore, ws: string) => tenantCollection(db, ws, 'threadMembers');
/** Ids are encoded so that `user:conversation` can never be read two ways. */
export const memberRef = (db: Firestore, ws: string, conversationId: string, userId: string) =>
  threadMembers(db, ws).doc(`${keyId(userId)}:${keyId(conversationId)}`);
export const directRef = (db: Firestore, ws: string, memberIds: readonly string[]) =>
  tenantDoc(db, ws, 'directThreads', [...memberIds].sort().map(keyId).join(':'));
export const blobDeletionRef = (db: Firestore, blobKey: string) =>
  globalDoc(db, 'blobDeletions', keyId(blobKey));

/** Writes that land together: the caller's transaction when there is one, else one `WriteBatch`. */
export interface Writer {
  create(ref: DocumentReference, data: DocumentData): Promise<void>;
  /** `precondition` applies to a batch only (a transaction already holds what it read). */
  update(ref: DocumentReference, data: UpdateData<DocumentData>, precondition?: Precondition): Promise<void>;
  commit(): Promise<void>;
}

export function writer(ctx: FsContext): Writer {
  if (ctx.inTransaction)
    return { create: ctx.create.bind(ctx), update: ctx.update.bind(ctx), commit: async () => {} };
  const batch = ctx.db.batch();
  return {
    async create(ref, data) {
      batch.create(ref, data);
    },
    async update(ref, data, precondition) {
      if (precondition) batch.update(ref, data, precondition);
      else batch.update(ref, data);
    },
    async commit() {
      await batch.commit();
    },
  };
}

export interface ConversationDoc {
  /** Also in the path; a field for the collection-group query of `workspacesWithMessages`. */
  workspaceId: string;
  kind: Conversation['kind'];
  threadType?: Conversation['threadType'];
  title?: string;
  memberIds: string[];
  createdAt: string;
  lastMessageAt: string | null;
  hasMessages: boolean;
  activityAt: string;
}

export interface MemberDoc {
  userId: string;
  conversationId: string;
  readUpTo: string | null;
  unread: number;
  activityAt: string;
}

export function toConversation(ws: string, id: string, d: DocumentData): Conversation {
  const c = d as ConversationDoc;
  return {
    workspaceId: ws,
    id,
    kind: c.kind,
    ...(c.threadType ? { threadType: c.threadType } : {}),
    ...(c.title !== undefined && c.title !== null ? { title: c.title } : {}),
    memberIds: [...(c.memberIds ?? [])].sort(),
    createdAt: c.createdAt,
    ...(c.lastMessageAt ? { lastMessageAt: c.lastMessageAt } : {}),
  };
}

export function toMessage(ws: string, conversationId: string, id: string, d: DocumentData): Message {
  return {
    id,
    workspaceId: ws,
    conversationId,
    senderId: d.senderId,
    text: d.text,
    sentAt: d.sentAt,
    ...(Array.isArray(d.attachments) && d.attachments.length > 0
      ? {
          attachments: d.attachments.map((a: { id: string; blobKey: string }) => ({
            id: a.id,
            blobKey: a.blobKey,
          })),
        }
      : {}),
  };
}

/** Whether a message sent at `sentAt` by `senderId` is unread for a member with this state. */
export const countsAsUnread = (m: Pick<MemberDoc, 'userId' | 'readUpTo'>, senderId: string, sentAt: string) =>
  senderId !== m.userId && (m.readUpTo ?? '') < sentAt;
