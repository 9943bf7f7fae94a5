import * as Tabs from '@radix-ui/react-tabs';
import { useEffect } from 'react';
import { useT } from '../../i18n/useT';
import { selectUnreadTotal, useChatStore } from '../../state/chatStore';
import { selectMyRoom, useFloorStore } from '../../state/floorSlice';
import { RoomChat } from '../chat/RoomChat';
import { Threads } from '../chat/Threads';
import { type PanelTab, shellActions, useShellStore } from './shellStore';
import { useRoomChatUnreadCount } from './useRoomChatUnread';

/** Asked by the keyboard shortcut (slice B): show the room chat and put the cursor in its message box. */
export const FOCUS_CHAT_EVENT = 'tsudoi:focus-chat';

/** The right panel: room chat | workspace messages; collapsible, both stay mounted so nothing is lost. */
export function RightPanel() {
  const t = useT();
  const open = useShellStore((s) => s.panelOpen);
  const tab = useShellStore((s) => s.tab);
  const roomId = useFloorStore((s) => selectMyRoom(s)?.id ?? null);
  const roomUnread = useRoomChatUnreadCount();
  const threadsUnread = useChatStore(selectUnreadTotal);

  // Entering a room brings its chat forward; leaving it goes back to messages.
  useEffect(() => shellActions.selectTab(roomId ? 'room' : 'messages'), [roomId]);
  useEffect(() => {
    const focusChat = () => {
      shellActions.showTab('room');
      requestAnimationFrame(() =>
        document.querySelector<HTMLTextAreaElement>('[data-chat-input="room"]')?.focus(),
      );
    };
    window.addEventListener(FOCUS_CHAT_EVENT, focusChat);
    return () => window.removeEventListener(FOCUS_CHAT_EVENT, focusChat);
  }, []);

  return (
    <aside
      id="shell-panel"
      className="shell-panel"
      aria-label={t('shell.panel')}
      data-open={open}
      data-testid="right-panel"
      hidden={!open}
    >
      <Tabs.Root
        className="panel-tabs"
        value={tab}
        onValueChange={(v) => shellActions.selectTab(v as PanelTab)}
      >
        <Tabs.List className="tab-list" aria-label={t('shell.panel')}>
          <Tabs.Trigger className="tab" value="room" data-testid="tab-room-chat">
            {t('shell.tab.room')}
            {roomUnread > 0 && (
              <span className="count-badge" data-testid="room-chat-unread">
                <span className="sr-only">{t('shell.unread', { count: roomUnread })}</span>
                <span aria-hidden="true">{roomUnread}</span>
              </span>
            )}
          </Tabs.Trigger>
          <Tabs.Trigger className="tab" value="messages" data-testid="tab-messages">
            {t('shell.tab.messages')}
            {threadsUnread > 0 && (
              <span className="count-badge">
                <span className="sr-only">{t('shell.unread', { count: threadsUnread })}</span>
                <span aria-hidden="true">{threadsUnread}</span>
              </span>
            )}
          </Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content className="tab-panel" value="room" forceMount hidden={tab !== 'room'}>
          {roomId ? <RoomChat /> : <p className="muted panel-empty">{t('shell.roomChat.outside')}</p>}
        </Tabs.Content>
        <Tabs.Content className="tab-panel" value="messages" forceMount hidden={tab !== 'messages'}>
          <Threads />
        </Tabs.Content>
      </Tabs.Root>
    </aside>
  );
}
