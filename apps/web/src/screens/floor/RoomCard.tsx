import type { RoomSummary } from '@tsudoi/protocol';
import { useT } from '../../i18n/useT';
import { request } from '../../realtime/socket';
import { entryFor, floorActions, isFull } from '../../state/floorSlice';
import { FormError } from '../useAction';
import { RoomAdminControls } from './RoomAdminControls';
import { useFloorAction } from './useFloorAction';

/** One room on the floor: who is in it, and one-click drop in / leave / listen in / knock. */
export function RoomCard({ room, me, isAdmin }: { room: RoomSummary; me: string | null; isAdmin: boolean }) {
  const t = useT();
  const { busy, error, run } = useFloorAction();
  const entry = entryFor(room, me);
  const mine = room.participants.find((p) => p.userId === me);
  const headingId = `room-${room.id}`;
  const full = isFull(room);
  const count = room.participants.length;

  const join = (listenOnly: boolean) =>
    run(() => request('room:join', { roomId: room.id, listenOnly }), {
      CONFLICT: full ? 'floor.err.full' : 'floor.err.cannotJoin',
      FORBIDDEN: 'floor.err.private',
      NOT_FOUND: 'floor.err.roomGone',
    });
  const leave = () =>
    run(() => request('room:leave', { roomId: room.id }), {
      CONFLICT: 'floor.err.notInRoom',
      NOT_FOUND: 'floor.err.roomGone',
    });
  const knock = () =>
    run(async () => floorActions.knockSent(await request('knock:request', { roomId: room.id })), {
      CONFLICT: 'floor.err.knockConflict',
      NOT_FOUND: 'floor.err.roomGone',
    });

  return (
    <li
      className={`room-card${entry === 'inside' ? ' here' : ''}`}
      data-testid="room"
      data-room-id={room.id}
      data-kind={room.kind}
      aria-labelledby={headingId}
    >
      <h3 id={headingId}>{room.name}</h3>
      <p className="row room-meta">
        <span>
          {room.capacity === null
            ? t('floor.occupancy', { count })
            : t('floor.capacity', { count, capacity: room.capacity })}
        </span>
        {room.kind === 'oneOnOne' && <span className="badge">{t('floor.private')}</span>}
        {full && <span className="badge warn">{t('floor.full')}</span>}
      </p>
      <ul className="people" aria-label={t('floor.participants', { room: room.name })}>
        {room.participants.map((p) => (
          <li key={p.userId} data-testid="participant" data-user-id={p.userId}>
            {p.displayName}
            {p.userId === me && <span className="muted"> {t('floor.you')}</span>}
            {p.listenOnly && (
              <span className="badge" data-testid="listen-only">
                {' '}
                🎧 {t('floor.listenOnly')}
              </span>
            )}
          </li>
        ))}
      </ul>
      {count === 0 && <p className="muted">{t('floor.nobody')}</p>}
      <div className="row">
        {entry === 'enter' && (
          <>
            <button
              type="button"
              disabled={busy}
              aria-describedby={headingId}
              onClick={() => void join(false)}
            >
              {t('floor.dropIn')}
            </button>
            <button
              type="button"
              className="secondary"
              disabled={busy}
              aria-describedby={headingId}
              onClick={() => void join(true)}
            >
              {t('floor.listenIn')}
            </button>
          </>
        )}
        {entry === 'inside' && (
          <>
            <button type="button" disabled={busy} aria-describedby={headingId} onClick={() => void leave()}>
              {t('floor.leave')}
            </button>
            <button
              type="button"
              className="secondary"
              disabled={busy}
              aria-describedby={headingId}
              onClick={() => void join(!mine?.listenOnly)}
            >
              {mine?.listenOnly ? t('floor.speak') : t('floor.listenIn')}
            </button>
          </>
        )}
        {entry === 'knock' && (
          <button type="button" disabled={busy} aria-describedby={headingId} onClick={() => void knock()}>
            {t('floor.knock')}
          </button>
        )}
      </div>
      {isAdmin && room.kind === 'open' && <RoomAdminControls room={room} />}
      <FormError message={error} />
    </li>
  );
}
