import type { WorkspaceSummary } from '@tsudoi/protocol';
import { Map as FloorIcon, MessagesSquare } from 'lucide-react';
import type { MessageKey } from '../../i18n/messages';
import { useT } from '../../i18n/useT';
import { navigate } from '../../routing/router';
import { selectUnreadTotal, useChatStore } from '../../state/chatStore';
import { ConnectionState } from './ConnectionState';
import { shellActions, useShellStore } from './shellStore';
import { UserMenu } from './UserMenu';
import { useRoomChatUnreadCount } from './useRoomChatUnread';
import { WorkspaceImage } from './WorkspaceImage';

interface Props {
  ws: WorkspaceSummary;
  all: readonly WorkspaceSummary[];
  me: { id: string; displayName: string };
}

/** Logo, workspace switcher, connection state, drawer toggles (narrow screens) and my menu. */
export function ShellHeader({ ws, all, me }: Props) {
  const t = useT();
  const floorOpen = useShellStore((s) => s.floorOpen);
  const panelOpen = useShellStore((s) => s.panelOpen);
  const unread = useChatStore(selectUnreadTotal) + useRoomChatUnreadCount();
  return (
    <header className="shell-header">
      <a className="skip-link" href="#shell-main">
        {t('shell.skip')}
      </a>
      <button
        type="button"
        className="icon-button floor-toggle"
        aria-expanded={floorOpen}
        aria-controls="shell-sidebar"
        aria-label={floorOpen ? t('shell.floor.hide') : t('shell.floor.show')}
        onClick={() => shellActions.setFloorOpen(!floorOpen)}
      >
        <FloorIcon aria-hidden="true" size={20} />
      </button>
      <p className="logo">
        <a
          href="/"
          aria-label={t('shell.home')}
          onClick={(e) => {
            e.preventDefault();
            navigate('/');
          }}
        >
          Tsudoi
        </a>
      </p>
      <WorkspaceImage workspaceId={ws.id} />
      <label className="ws-switch">
        <span className="sr-only">{t('ws.switch')}</span>
        <select value={ws.id} aria-label={t('ws.switch')} onChange={(e) => navigate(`/w/${e.target.value}`)}>
          {all.map((w) => (
            <option key={w.id} value={w.id}>
              {w.name} ({t(`ws.role.${w.role}` as MessageKey)})
            </option>
          ))}
        </select>
      </label>
      <ConnectionState />
      <span className="spacer" />
      <button
        type="button"
        className="icon-button panel-toggle"
        aria-expanded={panelOpen}
        aria-controls="shell-panel"
        aria-label={panelOpen ? t('shell.panel.hide') : t('shell.panel.show')}
        onClick={() => shellActions.setPanelOpen(!panelOpen)}
      >
        <MessagesSquare aria-hidden="true" size={20} />
        {unread > 0 && (
          <span className="count-badge" data-testid="panel-unread">
            <span className="sr-only">{t('shell.unread', { count: unread })}</span>
            <span aria-hidden="true">{unread}</span>
          </span>
        )}
      </button>
      <UserMenu workspaceId={ws.id} userId={me.id} name={me.displayName} />
    </header>
  );
}
