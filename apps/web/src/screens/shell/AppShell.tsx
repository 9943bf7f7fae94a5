import type { WorkspaceSummary } from '@tsudoi/protocol';
import { useEffect } from 'react';
import { useT } from '../../i18n/useT';
import { useRoute } from '../../routing/router';
import { selectMyRoom, useFloorStore } from '../../state/floorSlice';
import { LiveAnnouncer } from '../a11y/LiveAnnouncer';
import { AttentionPrompt } from '../attention/AttentionPrompt';
import { useAttention } from '../attention/useAttention';
import { MaintenanceBanner } from '../common/MaintenanceBanner';
import { FloorView } from '../floor/FloorView';
import { InvitationDialog } from '../floor/InvitationDialog';
import { SettingsPage } from '../settings/SettingsPage';
import { FloorOverview } from './FloorOverview';
import { RightPanel } from './RightPanel';
import { ShellHeader } from './ShellHeader';
import { StageSlot } from './StageSlot';
import { shellActions, useShellStore } from './shellStore';
import { useTrackRoomChatSeen } from './useRoomChatUnread';
import './shell.css';

interface Props {
  ws: WorkspaceSummary;
  all: readonly WorkspaceSummary[];
  me: { id: string; displayName: string };
}

/**
 * The workspace page: header, the floor as a sidebar, the main area (floor overview, the room stage, or a
 * settings section) and the right panel (room chat | messages). Each region scrolls inside itself.
 */
export function AppShell({ ws, all, me }: Props) {
  const t = useT();
  const path = useRoute((r) => r.path);
  const inRoom = useFloorStore((s) => selectMyRoom(s) !== undefined);
  const floorOpen = useShellStore((s) => s.floorOpen);
  const panelOpen = useShellStore((s) => s.panelOpen);
  const settings = path.startsWith(`/w/${ws.id}/settings/`)
    ? path.slice(`/w/${ws.id}/settings/`.length)
    : path === `/w/${ws.id}/settings`
      ? 'profile'
      : null;
  useTrackRoomChatSeen();
  useAttention(ws.id);
  // Narrow screens: the floor drawer closes once I picked a room or a page.
  useEffect(() => {
    if (path || inRoom !== undefined) shellActions.setFloorOpen(false);
  }, [inRoom, path]);
  return (
    <div
      className="shell"
      data-testid="app-shell"
      data-in-room={inRoom}
      data-floor-open={floorOpen}
      data-panel-open={panelOpen}
    >
      <ShellHeader ws={ws} all={all} me={me} />
      <aside id="shell-sidebar" className="shell-sidebar" aria-label={t('shell.floor')}>
        <FloorView isAdmin={ws.role !== 'member'} />
      </aside>
      <main id="shell-main" className="shell-main" tabIndex={-1}>
        <MaintenanceBanner />
        <AttentionPrompt />
        {settings !== null && <SettingsPage ws={ws} section={settings} inRoom={inRoom} />}
        {/* While settings are open the room keeps playing: hidden, not unmounted. */}
        <div className="main-view" hidden={settings !== null}>
          {inRoom ? <StageSlot /> : <FloorOverview ws={ws} />}
        </div>
      </main>
      <RightPanel />
      <InvitationDialog />
      <LiveAnnouncer />
    </div>
  );
}
