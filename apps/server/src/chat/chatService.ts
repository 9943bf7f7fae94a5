import { randomUUID } from 'node:crypto';
import type { ChatMessageView, ConversationRef, PersonRef, ThreadView } from '@tsudoi/protocol';
import type { MembershipRepo } from '../auth/accountStore.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import type { Floors } from '../rooms/floors.js';
import { messageIds } from './messageIds.js';
import type { Attachment, Conversation, Message, MessageRepo } from './messageRepo.js';

export interface ChatDelivery {
  /** A new message for these people of the workspace (their every open tab). */
  message(workspaceId: string, recipients: readonly string[], message: ChatMessageView): void;
  /** A thread changed for one member (new message, unread count): push their view of it. */
  thread(workspaceId: string, userId: string, thread: ThreadView): void;
}

/** The repositories chat reads and writes: messages, and memberships for the names it shows. */
export interface ChatRepos {
  messages: MessageRepo;
  memberships: Pick<MembershipRepo, 'getMany'>;
}

/** Turns a sender's uploaded images into a message's attachments (images/imageService.ts, R16). */
export interface MessageImages {
  takeForMessage(ws: string, senderId: string, ids: readonly string[]): Promise<Attachment[]>;
  /** The message was not stored after all: its images' files go (nothing else refers to them). */
  discard(attachments: readonly Attachment[]): Promise<void>;
}

/**
 * Sending and reading messages (R6, R7). Room messages are for the people in the room right now;
 * thread messages for the thread's members. Everything is scoped by workspace: an id from another
 * workspace, or a conversation the caller is not part of, is NOT_FOUND.
 */
export class ChatService {
  constructor(
    private readonly repos: ChatRepos,
    private readonly floors: Floors,
    private readonly clock: Clock,
    private readonly delivery: ChatDelivery,
    private readonly images?: MessageImages,
  ) {}

  async send(
    ws: string,
    sender: PersonRef,
    to: ConversationRef,
    text: string,
    imageIds: readonly string[] = [],
  ): Promise<ChatMessageView> {
    const now = this.clock();
    const sentAt = now.toISOString();
    const { conversation, recipients } = await this.#conversationFor(ws, sender.userId, to, sentAt);
    // Taken only once the sender may post here; from now on the images belong to the message (R6–R8).
    let attachments: Attachment[] = [];
    if (imageIds.length) {
      if (!this.images) throw AppError.notFound('Image not found.');
      attachments = await this.images.takeForMessage(ws, sender.userId, imageIds);
    }
    const message: Message = {
      // Time-ordered and growing: messages of the same millisecond list in the order they were sent.
      id: messageIds.next(now.getTime()),
      workspaceId: ws,
      conversationId: conversation.id,
      senderId: sender.userId,
      text,
      sentAt,
      ...(attachments.length ? { attachments } : {}),
    };
    try {
      await this.repos.messages.append(message);
    } catch (err) {
      if (attachments.length) await this.images?.discard(attachments);
      throw err;
    }
    const view: ChatMessageView = { ...pick(message), kind: to.kind, sender };
    this.delivery.message(ws, recipients, view);
    if (to.kind === 'thread') {
      await this.repos.messages.markRead(ws, conversation.id, sender.userId, sentAt);
      const names = await this.#names(ws, conversation.memberIds);
      for (const userId of conversation.memberIds) {
        this.delivery.thread(
          ws,
          userId,
          await this.#threadView(ws, { ...conversation, lastMessageAt: sentAt }, userId, names),
        );
      }
    }
    return view;
  }

  /** Up to 100 messages, oldest first, before `beforeId` (older pages). */
  async history(
    ws: string,
    userId: string,
    to: ConversationRef,
    beforeId?: string,
  ): Promise<ChatMessageView[]> {
    const { conversation } = await this.#conversationFor(ws, userId, to, this.clock().toISOString());
    const messages = await this.repos.messages.list(ws, conversation.id, {
      ...(beforeId ? { beforeId } : {}),
      limit: 100,
    });
    const names = await this.#names(
      ws,
      messages.map((m) => m.senderId),
    );
    return messages.map((m) => ({
      ...pick(m),
      kind: to.kind,
      sender: { userId: m.senderId, displayName: names.get(m.senderId) ?? '—' },
    }));
  }

  /** Opens a direct thread (one other member; reopening returns the same thread) or a group thread. */
  async openThread(
    ws: string,
    opener: PersonRef,
    memberIds: readonly string[],
    title?: string,
  ): Promise<ThreadView> {
    const others = [...new Set(memberIds)].filter((id) => id !== opener.userId);
    const names = await this.#names(ws, [opener.userId, ...others]);
    if (others.length === 0 || others.some((id) => !names.has(id)))
      throw AppError.notFound('Member not found.');
    const conversation = await this.repos.messages.createThread({
      workspaceId: ws,
      id: randomUUID(),
      type: others.length === 1 && !title ? 'direct' : 'group',
      ...(title ? { title } : {}),
      memberIds: [opener.userId, ...others],
      createdAt: this.clock().toISOString(),
    });
    return this.#threadView(ws, conversation, opener.userId, names);
  }

  /** The first page (200) of the member's threads, most recently active first. */
  async listThreads(ws: string, userId: string): Promise<ThreadView[]> {
    const threads = await this.repos.messages.listThreads(ws, userId);
    const names = await this.#names(
      ws,
      threads.flatMap((t) => t.conversation.memberIds),
    );
    return threads.map((t) => toThreadView(t.conversation, t.unread, names));
  }

  /** Marks a thread read; the reader's other tabs get the new unread count too. */
  async markRead(ws: string, userId: string, threadId: string, upTo: string): Promise<void> {
    const { conversation } = await this.#conversationFor(ws, userId, { kind: 'thread', threadId }, upTo);
    await this.repos.messages.markRead(ws, threadId, userId, upTo);
    const names = await this.#names(ws, conversation.memberIds);
    this.delivery.thread(ws, userId, await this.#threadView(ws, conversation, userId, names));
  }

  /** The conversation and who receives its messages, if `userId` may use it now. */
  async #conversationFor(ws: string, userId: string, to: ConversationRef, now: string) {
    if (to.kind === 'room') {
      const room = this.floors.peek(ws)?.floor.roomOf(userId);
      if (!room || room.id !== to.roomId) throw AppError.notFound('You are not in this room.');
      const conversation = await this.repos.messages.ensureRoomConversation(ws, room.id, now);
      return { conversation, recipients: [...room.participants.keys()] };
    }
    const conversation = await this.repos.messages.getConversation(ws, to.threadId);
    if (conversation?.kind !== 'workspace' || !conversation.memberIds.includes(userId)) {
      throw AppError.notFound('Conversation not found.');
    }
    return { conversation, recipients: conversation.memberIds };
  }

  async #threadView(
    ws: string,
    c: Conversation,
    viewer: string,
    names: Map<string, string>,
  ): Promise<ThreadView> {
    return toThreadView(c, await this.repos.messages.unreadCount(ws, c.id, viewer), names);
  }

  /**
   * Display names of these people while they are active members (one who left shows as "—"). Only the
   * names shown are read, never the whole member list: a large workspace costs no more than a small one.
   */
  async #names(ws: string, userIds: readonly string[]): Promise<Map<string, string>> {
    const members = await this.repos.memberships.getMany(ws, [...new Set(userIds)]);
    return new Map(members.filter((m) => m.status === 'active').map((m) => [m.userId, m.displayName]));
  }
}

const pick = (m: Message) => {
  // Each image is two attachments (full, `<id>.thumb`); the view lists the images.
  const images = (m.attachments ?? []).filter((a) => !a.id.endsWith('.thumb')).map((a) => ({ id: a.id }));
  return {
    id: m.id,
    conversationId: m.conversationId,
    text: m.text,
    sentAt: m.sentAt,
    ...(images.length ? { images } : {}),
  };
};

function toThreadView(c: Conversation, unread: number, names: Map<string, string>): ThreadView {
  return {
    id: c.id,
    type: c.threadType ?? 'group',
    ...(c.title ? { title: c.title } : {}),
    members: c.memberIds.map((userId) => ({ userId, displayName: names.get(userId) ?? '—' })),
    ...(c.lastMessageAt ? { lastMessageAt: c.lastMessageAt } : {}),
    unread,
  };
}
