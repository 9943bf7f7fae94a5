import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Floors } from '../rooms/floors.js';
import { type ChatRepos, ChatService, type MessageImages } from './chatService.js';
import type { Attachment, Conversation, Message, MessageRepo } from './messageRepo.js';

/** A message's images (R16) are taken before the message is stored; if storing fails, their files go. */
describe('chat: images of a message that could not be stored', () => {
  const ws = randomUUID();
  const me = { userId: randomUUID(), displayName: 'Aiko' };
  const thread: Conversation = {
    workspaceId: ws,
    id: randomUUID(),
    kind: 'workspace',
    threadType: 'group',
    memberIds: [me.userId],
    createdAt: '2026-12-01T00:00:00.000Z',
  };
  const taken: Attachment[] = [
    { id: 'img', blobKey: `${ws}/images/img` },
    { id: 'img.thumb', blobKey: `${ws}/images/img.thumb` },
  ];

  function chatWith(append: (m: Message) => Promise<void>) {
    const discarded: Attachment[][] = [];
    const stored: Message[] = [];
    const messages = {
      getConversation: async () => thread,
      append: async (m: Message) => {
        await append(m);
        stored.push(m);
      },
      markRead: async () => {},
      unreadCount: async () => 0,
    } as unknown as MessageRepo;
    const repos: ChatRepos = { messages, memberships: { getMany: async () => [] } };
    const images: MessageImages = {
      takeForMessage: async () => taken,
      discard: async (a) => {
        discarded.push([...a]);
      },
    };
    const chat = new ChatService(
      repos,
      {} as Floors,
      () => new Date('2026-12-01T10:00:00.000Z'),
      { message: () => {}, thread: () => {} },
      images,
    );
    return { chat, discarded, stored };
  }

  it('deletes the taken images’ files when the message is not stored, and reports the failure', async () => {
    const { chat, discarded, stored } = chatWith(async () => {
      throw new Error('disk full');
    });
    await expect(chat.send(ws, me, { kind: 'thread', threadId: thread.id }, '', ['img'])).rejects.toThrow(
      'disk full',
    );
    expect(discarded).toEqual([taken]);
    expect(stored).toEqual([]);
  });

  it('keeps them as the message’s attachments when it is stored', async () => {
    const { chat, discarded, stored } = chatWith(async () => {});
    const view = await chat.send(ws, me, { kind: 'thread', threadId: thread.id }, 'hi', ['img']);
    expect(view.images).toEqual([{ id: 'img' }]);
    expect(stored[0]?.attachments).toEqual(taken);
    expect(discarded).toEqual([]);
  });
});
