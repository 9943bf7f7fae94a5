import type { Message, MessageRepo } from '../chat/messageRepo.js';
import type { DataKeys } from './dataKeys.js';
import { aad, isSealedText, openText, sealText } from './envelope.js';
import { over } from './sealedAccounts.js';

/** Where a message body belongs: its workspace, conversation and id (a body moved elsewhere will not open). */
const bodyAad = (m: Pick<Message, 'workspaceId' | 'conversationId' | 'id'>) =>
  aad('message.text', m.workspaceId, m.conversationId, m.id);

/**
 * Message bodies encrypted at rest (R19) on every engine: a decorator over any {@link MessageRepo} that
 * seals `text` on `append` and opens it on `list`, under the workspace's data key. The engines store only
 * the sealed text. Bodies written before R19 (no `tsd1:` prefix) are returned as stored, so an existing
 * development database stays readable; they age out with the retention purge (R8).
 */
export function sealedMessages(inner: MessageRepo, keys: DataKeys): MessageRepo {
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
  });
}
