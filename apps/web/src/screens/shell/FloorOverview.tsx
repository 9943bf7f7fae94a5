import type { WorkspaceSummary } from '@tsudoi/protocol';
import { useShallow } from 'zustand/react/shallow';
import { useT } from '../../i18n/useT';
import { selectMembers, selectRooms, useFloorStore } from '../../state/floorSlice';
import { Avatar } from '../common/Avatar';
import { CreateRoomForm } from '../floor/CreateRoomForm';
import { DeviceCheckButton } from '../room/DeviceCheck';

/** The main area while I am in no room: who is around at a glance, and (admins) a new room. */
export function FloorOverview({ ws }: { ws: WorkspaceSummary }) {
  const t = useT();
  const members = useFloorStore(useShallow(selectMembers));
  const inRooms = useFloorStore(
    useShallow((s) => selectRooms(s).reduce((n, r) => n + r.participants.length, 0)),
  );
  const online = members.filter((m) => m.online);
  return (
    <section className="overview" aria-labelledby="overview-title" data-testid="floor-overview">
      <h2 id="overview-title">{ws.name}</h2>
      <p className="overview-hint">{t('shell.overview.hint')}</p>
      <div className="overview-stats">
        <p>{t('shell.overview.online', { count: online.length })}</p>
        <p>{t('shell.overview.inRooms', { count: inRooms })}</p>
      </div>
      <DeviceCheckButton />
      {online.length > 0 && (
        <ul className="face-wall" aria-label={t('shell.overview.online', { count: online.length })}>
          {online.map((m) => (
            <li key={m.userId}>
              <Avatar userId={m.userId} name={m.displayName} size={44} status={m.status.state} />
              <span className="face-name">{m.displayName}</span>
            </li>
          ))}
        </ul>
      )}
      {ws.role !== 'member' && (
        <div className="card">
          <CreateRoomForm />
        </div>
      )}
    </section>
  );
}
