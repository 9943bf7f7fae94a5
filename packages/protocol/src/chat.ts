import { z } from 'zod';
import type { PersonRef } from './floor.js';
import { IMAGE_LIMITS, type ImageChanged, type MessageImage } from './images.js';
import type { AckCallback } from './socket.js';

/**
 * Messages (R6, R7): room messages, typed while talking and deleted when the room empties; workspace
 * threads (direct or group), deleted at 01:00 once 30 days passed since the thread's last message.
 */

export const MESSAGE_MAX_LENGTH = 2000;
export const MessageText = z.string().trim().min(1).max(MESSAGE_MAX_LENGTH);
const Id = z.uuid();

/** Where a message goes: the room you are in, or a workspace thread you belong to. */
export const ConversationRef = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('room'), roomId: Id }).strict(),
  z.object({ kind: z.literal('thread'), threadId: Id }).strict(),
]);
export type ConversationRef = z.infer<typeof ConversationRef>;

export interface ChatMessageView {
  id: string;
  /** The room id for room messages, the thread id for thread messages. */
  conversationId: string;
  kind: 'room' | 'thread';
  sender: PersonRef;
  text: string;
  sentAt: string;
  /** Images sent with the message (R16); they are deleted with it. */
  images?: MessageImage[];
}

export interface ThreadView {
  id: string;
  type: 'direct' | 'group';
  title?: string;
  members: PersonRef[];
  lastMessageAt?: string;
  /** Messages from others the viewer has not read. */
  unread: number;
}

/** Text, or images uploaded beforehand (`POST …/images?kind=message`), or both. */
export const ChatSendPayload = z
  .object({
    to: ConversationRef,
    text: z.union([MessageText, z.literal('')]),
    imageIds: z.array(Id).min(1).max(IMAGE_LIMITS.perMessage).optional(),
  })
  .strict()
  .refine((p) => p.text.length > 0 || (p.imageIds?.length ?? 0) > 0, { message: 'empty message' });
export const ChatHistoryPayload = z.object({ to: ConversationRef, beforeId: Id.optional() }).strict();
export const ThreadOpenPayload = z
  .object({ memberIds: z.array(Id).min(1).max(50), title: z.string().trim().min(1).max(80).optional() })
  .strict();
export const ThreadReadPayload = z.object({ threadId: Id, upTo: z.iso.datetime() }).strict();

/** Messages were deleted (room emptied, retention): drop them; without `upTo`, drop all of them. */
export interface ChatPurged {
  conversationId: string;
  upTo?: string;
}

type Empty = Record<string, never>;

export interface ChatClientToServerEvents {
  'chat:send': (payload: unknown, ack: AckCallback<ChatMessageView>) => void;
  'chat:history': (payload: unknown, ack: AckCallback<{ messages: ChatMessageView[] }>) => void;
  'thread:open': (payload: unknown, ack: AckCallback<ThreadView>) => void;
  'thread:list': (payload: unknown, ack: AckCallback<{ threads: ThreadView[] }>) => void;
  'thread:read': (payload: unknown, ack: AckCallback<Empty>) => void;
}

export interface ChatServerToClientEvents {
  'chat:message': (message: ChatMessageView) => void;
  'chat:purged': (purged: ChatPurged) => void;
  'thread:updated': (thread: ThreadView) => void;
  /** A profile image (or the workspace image) changed: fetch it again (R16). */
  'image:changed': (change: ImageChanged) => void;
}

export const ChatClientPayloads = {
  'chat:send': ChatSendPayload,
  'chat:history': ChatHistoryPayload,
  'thread:open': ThreadOpenPayload,
  'thread:list': z.object({}).strict(),
  'thread:read': ThreadReadPayload,
} satisfies Record<keyof ChatClientToServerEvents, z.ZodType>;
