import type { WorkspaceSummary } from '@tsudoi/protocol';
import type { MessageKey } from '../i18n/messages';
import { useT } from '../i18n/useT';
import { navigate } from '../routing/router';
import { selectMyRoom, useFloorStore } from '../state/floorSlice';
import { useSession } from '../state/session';
import { RoomChat } from './chat/RoomChat';
import { Threads } from './chat/Threads';
import { FloorView } from './floor/FloorView';
import { useWorkspaceSocket } from './floor/useWorkspaceSocket';
import { Members } from './Members';
import { RoomView } from './RoomView';
import { SecuritySettings } from './SecuritySettings';

/** /w/:id — one workspace: its floor and members. Unknown or foreign ids show "not found". */
export function WorkspaceHome({ workspaceId }: { workspaceId: string }) {
  const t = useT();
  const session = useSession();
  if (session.status !== 'signed-in') return null;
  const ws = session.info.workspaces.find((w) => w.id === workspaceId);
  if (!ws) return <p role="alert">{t('err.NOT_FOUND')}</p>;
  return <WorkspaceFloor key={ws.id} ws={ws} all={session.info.workspaces} me={session.info.user.id} />;
}

/** A workspace the user belongs to: its socket lives as long as this page. */
function WorkspaceFloor({ ws, all, me }: { ws: WorkspaceSummary; all: WorkspaceSummary[]; me: string }) {
  const t = useT();
  useWorkspaceSocket(ws.id, me);
  const inRoom = useFloorStore((s) => selectMyRoom(s) !== undefined);
  return (
    <div className="workspace">
      <div className="ws-bar">
        <h2>{ws.name}</h2>
        <span className="badge">
          {t('ws.plan')}: {ws.plan}
        </span>
        <label className="inline">
          {t('ws.switch')}{' '}
          <select value={ws.id} onChange={(e) => navigate(`/w/${e.target.value}`)}>
            {all.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name} ({t(`ws.role.${w.role}` as MessageKey)})
              </option>
            ))}
          </select>
        </label>
      </div>
      <FloorView isAdmin={ws.role !== 'member'} />
      {inRoom && <RoomView />}
      <RoomChat />
      <Threads />
      <Members workspaceId={ws.id} isAdmin={ws.role !== 'member'} />
      {ws.role !== 'member' && <SecuritySettings workspaceId={ws.id} />}
    </div>
  );
}
