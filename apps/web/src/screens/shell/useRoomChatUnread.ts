import { useEffect } from 'react';
import { selectMessages, useChatStore } from '../../state/chatStore';
import { selectMyRoom, useFloorStore } from '../../state/floorSlice';
import { roomChatUnread, shellActions, useShellStore } from './shellStore';

/**
 * Room-chat messages from others that I have not seen: counted while the room chat is not on screen,
 * cleared as soon as it is. Mounted once by the shell; read with `useRoomChatUnreadCount`.
 */
export function useTrackRoomChatSeen(): void {
  const roomId = useFloorStore((s) => selectMyRoom(s)?.id ?? null);
  const me = useFloorStore((s) => s.me);
  const others = useChatStore((s) => selectMessages(roomId)(s).filter((m) => m.sender.userId !== me).length);
  const visible = useShellStore((s) => s.panelOpen && s.tab === 'room');
  useEffect(() => {
    if (roomId && visible) shellActions.markSeen(roomId, others);
  }, [roomId, visible, others]);
}

/** How many room-chat messages in my room are unread (0 outside a room). */
export function useRoomChatUnreadCount(): number {
  const roomId = useFloorStore((s) => selectMyRoom(s)?.id ?? null);
  const me = useFloorStore((s) => s.me);
  const others = useChatStore((s) => selectMessages(roomId)(s).filter((m) => m.sender.userId !== me).length);
  const seen = useShellStore((s) => (roomId ? s.seen[roomId] : undefined));
  return roomId ? roomChatUnread(others, seen) : 0;
}
