import { ClientPayloads, type PersonRef } from '@tsudoi/protocol';
import type { ChatService } from '../chat/chatService.js';
import { handle } from './handle.js';
import type { SocketIdentity, TsudoiSocket } from './types.js';

/** The `chat:*` and `thread:*` requests of one workspace socket. */
export function registerChatHandlers(socket: TsudoiSocket, id: SocketIdentity, chat: ChatService): void {
  const ws = id.workspaceId;
  const me: PersonRef = { userId: id.user.id, displayName: id.user.displayName };
  handle(socket, 'chat:send', ClientPayloads['chat:send'], (p) =>
    chat.send(ws, me, p.to, p.text, p.imageIds),
  );
  handle(socket, 'chat:history', ClientPayloads['chat:history'], async (p) => ({
    messages: await chat.history(ws, me.userId, p.to, p.beforeId),
  }));
  handle(socket, 'thread:open', ClientPayloads['thread:open'], (p) =>
    chat.openThread(ws, me, p.memberIds, p.title),
  );
  handle(socket, 'thread:list', ClientPayloads['thread:list'], async () => ({
    threads: await chat.listThreads(ws, me.userId),
  }));
  handle(socket, 'thread:read', ClientPayloads['thread:read'], async (p) => {
    await chat.markRead(ws, me.userId, p.threadId, p.upTo);
    return {};
  });
}
