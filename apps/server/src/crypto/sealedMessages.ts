import type { Conversation, Message, MessageRepo, NewThread } from '../chat/messageRepo.js';
import type { DataKeys } from './dataKeys.js';
import { aad, isSealedText, openText, sealText } from './envelope.js';
import { over } from './sealedAccounts.js';

/** Where a message body belongs: its workspace, conversation and id (a body moved elsewhere will not open). */
const bodyAad = (m: Pick<Message, 'workspaceId' | 'conversationId' | 'id'>) =>
  aad('message.text', m.workspaceId, m.conversationId, m.id);

/** Where a thread's title belongs: its workspace and thread. */
const titleAad = (c: Pick<NewThread, 'workspaceId' | 'id'>) => aad('thread.title', c.workspaceId, c.id);

/**
 * Message bodies and thread titles encrypted at rest (R19) on every engine: a decorator over any
 * {@link MessageRepo} that seals `text` on `append` and a group thread's `title` on `createThread`, and opens
 * them on the way out, under the workspace's data key. The engines store only sealed text. Values written
 * before R19 (no `tsd1:` prefix) are returned as stored, so an existing development database stays
 * readable; they age out with the retention purge (R8).
 */
export function sealedMessages(inner: MessageRepo, keys: DataKeys): MessageRepo {
  async function opened<C extends Conversation | undefined>(c: C): Promise<C> {
    if (!c?.title || !isSealedText(c.title)) return c;
    return { ...c, title: openText(await keys.existingKey(c.workspaceId), c.title, titleAad(c)) };
  }
  return over(inner, {
    append: async (message: Message) => {
      const key = await keys.keyFor(message.workspaceId);
      return inner.append({ ...message, text: sealText(key, message.text, bodyAad(message)) });
    },
    list: async (...args: Parameters<MessageRepo['list']>) => {
      const messages = await inner.list(...args);
      if (!messages.some((m) => isSealedText(m.text))) return messages;
      const key = await keys.existingKey(args[0]);
      return messages.map((m) =>
        isSealedText(m.text) ? { ...m, text: openText(key, m.text, bodyAad(m)) } : m,
      );
    },
    createThread: async (t: NewThread) => {
      const title = t.title && sealText(await keys.keyFor(t.workspaceId), t.title, titleAad(t));
      return opened(await inner.createThread(title ? { ...t, title } : t));
    },
    getConversation: async (ws: string, id: string) => opened(await inner.getConversation(ws, id)),
    listThreads: async (...args: Parameters<MessageRepo['listThreads']>) =>
      Promise.all(
        (await inner.listThreads(...args)).map(async (s) => ({
          ...s,
          conversation: await opened(s.conversation),
        })),
      ),
  });
}
