import { useShallow } from 'zustand/react/shallow';
import { useT } from '../../i18n/useT';
import { selectRooms, useFloorStore } from '../../state/floorSlice';
import { FloorNotices } from './FloorNotices';
import { KnockRequests } from './KnockRequests';
import { PresencePanel } from './PresencePanel';
import { RoomCard } from './RoomCard';

/**
 * The floor (R2), shown in the shell's sidebar: rooms and who is in each, who is around, my invitations and
 * knocks; live from the server. Creating rooms and the 1on1 invitation dialog live in the shell.
 */
export function FloorView({ isAdmin }: { isAdmin: boolean }) {
  const t = useT();
  const loaded = useFloorStore((s) => s.loaded);
  const me = useFloorStore((s) => s.me);
  const rooms = useFloorStore(useShallow(selectRooms));
  if (!loaded)
    return (
      <section className="floor" aria-labelledby="floor-title">
        <h2 id="floor-title">{t('floor.title')}</h2>
        <p role="status">{t('floor.loading')}</p>
      </section>
    );
  return (
    <>
      <section className="floor" aria-labelledby="floor-title" data-testid="floor">
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
      </section>
      <PresencePanel />
    </>
  );
}
