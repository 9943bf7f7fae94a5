import type { RoomSummary } from '@tsudoi/protocol';
import { Lock, Users } from 'lucide-react';
import { useT } from '../../i18n/useT';
import { request } from '../../realtime/socket';
import { entryFor, floorActions, isFull, useFloorStore } from '../../state/floorSlice';
import { useMediaStore } from '../../state/mediaSlice';
import { Avatar } from '../common/Avatar';
import { useRoomChatUnreadCount } from '../shell/useRoomChatUnread';
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
  const statusOf = useFloorStore((s) => s.members);
  // Only the room I am in has media here, so only there can the speaker be known.
  const speaker = useMediaStore((s) => (entry === 'inside' ? s.activeSpeaker : null));
  const unread = useRoomChatUnreadCount();

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
      <div className="room-head">
        <h3 id={headingId}>{room.name}</h3>
        {entry === 'inside' && unread > 0 && (
          <span
            className="unread-dot"
            role="img"
            aria-label={t('shell.roomUnread')}
            title={t('shell.roomUnread')}
            data-testid="room-unread"
          />
        )}
        <span className="room-count">
          <Users aria-hidden="true" size={14} />
          {room.capacity === null
            ? t('floor.occupancy', { count })
            : t('floor.capacity', { count, capacity: room.capacity })}
        </span>
        {room.kind === 'oneOnOne' && (
          <span className="badge mark-private" title={t('shell.mark.private')}>
            <Lock aria-hidden="true" size={12} /> {t('floor.private')}
          </span>
        )}
        {full && <span className="badge warn">{t('floor.full')}</span>}
      </div>
      <ul className="people" aria-label={t('floor.participants', { room: room.name })}>
        {room.participants.map((p) => (
          <li
            key={p.userId}
            className="person"
            data-testid="participant"
            data-user-id={p.userId}
            data-speaking={speaker === p.userId || undefined}
          >
            <Avatar
              userId={p.userId}
              name={p.displayName}
              size={24}
              status={statusOf[p.userId]?.status.state}
              speaking={speaker === p.userId}
            />
            <span className="person-name">
              {p.displayName}
              {p.userId === me && <span className="muted"> {t('floor.you')}</span>}
            </span>
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
