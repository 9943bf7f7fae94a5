import { useEffect } from 'react';
import { chatSession } from '../../chat/chatSession';
import { useT } from '../../i18n/useT';
import { selectMessages, useChatStore } from '../../state/chatStore';
import { selectMyRoom, useFloorStore } from '../../state/floorSlice';
import { LoadFailed } from './LoadFailed';
import { MessageComposer } from './MessageComposer';
import { MessageList } from './MessageList';
import './chat.css';

/**
 * The messages of the room I am in (R6): loaded when I enter, live while I stay, forgotten when I leave
 * (the server deletes them once everyone has left). Renders nothing outside a room.
 */
export function RoomChat() {
  const t = useT();
  const room = useFloorStore(selectMyRoom);
  const me = useFloorStore((s) => s.me);
  // The chat store follows the floor; until it has caught up with this room, nothing is shown.
  const roomId = useChatStore((s) => (room && s.roomId === room.id ? room.id : null));
  const messages = useChatStore(selectMessages(roomId));
  const loaded = useChatStore((s) => (roomId ? s.loaded[roomId] === true : false));
  const failed = useChatStore((s) => (roomId ? s.failed[roomId] === true : false));
  useEffect(() => chatSession().sync(), []);
  if (!room) return null;
  return (
    <section
      className="card chat room-chat"
      aria-labelledby="room-chat-title"
      data-testid="room-chat"
      data-room-id={room.id}
    >
      <h2 id="room-chat-title">{t('chat.room.title', { room: room.name })}</h2>
      <p className="hint">{t('chat.room.hint')}</p>
      {failed && <LoadFailed what="chat.err.load" />}
      {messages.length === 0 &&
        (loaded ? (
          <p className="muted" data-testid="chat-empty">
            {t('chat.empty')}
          </p>
        ) : (
          !failed && <p role="status">{t('chat.loading')}</p>
        ))}
      <MessageList messages={messages} me={me} label={t('chat.log', { name: room.name })} />
      <MessageComposer
        key={room.id}
        to={{ kind: 'room', roomId: room.id }}
        wording={{ NOT_FOUND: 'chat.err.notInRoom' }}
      />
    </section>
  );
}
