import { useShallow } from 'zustand/react/shallow';
import { useT } from '../../i18n/useT';
import { selectRooms, useFloorStore } from '../../state/floorSlice';
import { CreateRoomForm } from './CreateRoomForm';
import { FloorNotices } from './FloorNotices';
import { InvitationDialog } from './InvitationDialog';
import { KnockRequests } from './KnockRequests';
import { PresencePanel } from './PresencePanel';
import { RoomCard } from './RoomCard';

/** The floor (R2): rooms and who is in each, who is around, invitations and knocks; live from the server. */
export function FloorView({ isAdmin }: { isAdmin: boolean }) {
  const t = useT();
  const loaded = useFloorStore((s) => s.loaded);
  const me = useFloorStore((s) => s.me);
  const rooms = useFloorStore(useShallow(selectRooms));
  if (!loaded)
    return (
      <section className="card" aria-labelledby="floor-title">
        <h2 id="floor-title">{t('floor.title')}</h2>
        <p role="status">{t('floor.loading')}</p>
      </section>
    );
  return (
    <>
      <section className="card floor" aria-labelledby="floor-title" data-testid="floor">
        <h2 id="floor-title">{t('floor.title')}</h2>
        <FloorNotices />
        <KnockRequests />
        {rooms.length === 0 ? (
          <p className="muted">{t('floor.noRooms')}</p>
        ) : (
          <ul className="rooms" aria-label={t('floor.rooms')}>
            {rooms.map((r) => (
              <RoomCard key={r.id} room={r} me={me} isAdmin={isAdmin} />
            ))}
          </ul>
        )}
        {isAdmin && <CreateRoomForm />}
      </section>
      <PresencePanel />
      <InvitationDialog />
    </>
  );
}
