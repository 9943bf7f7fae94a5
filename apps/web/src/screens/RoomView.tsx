import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useT } from '../i18n/useT';
import { roomSession } from '../media/roomSession';
import { selectMyRoom, useFloorStore } from '../state/floorSlice';
import { useMediaStore } from '../state/mediaSlice';
import { useAppStore } from '../state/store';
import { StreamAudio } from './room/MediaElements';
import { ParticipantTile, ScreenTile } from './room/ParticipantTile';
import { RoomControls } from './room/RoomControls';
import { SelfTile } from './room/SelfTile';
import './room/room.css';

/** The room I am in: everyone's tiles, shared screens, my preview and the call controls (R4, R5). */
export function RoomView() {
  const t = useT();
  const room = useFloorStore(selectMyRoom);
  const me = useFloorStore((s) => s.me);
  const names = useFloorStore(
    useShallow((s) => Object.fromEntries(Object.values(s.members).map((m) => [m.userId, m.displayName]))),
  );
  const { phase, problem, tiles, activeSpeaker, speaker } = useMediaStore(
    useShallow((s) => ({
      phase: s.phase,
      problem: s.problem,
      tiles: s.tiles,
      activeSpeaker: s.activeSpeaker,
      speaker: s.selected.speaker,
    })),
  );
  const online = useAppStore((s) => s.connection === 'online');
  // The session outlives this view: it also brings me back into the room after a server restart.
  useEffect(() => roomSession().sync(), []);
  if (!room || !me) return null;

  const self = room.participants.find((p) => p.userId === me);
  const others = room.participants.filter((p) => p.userId !== me);
  // Media can arrive a moment before the floor lists the person: show it anyway.
  const strays = Object.keys(tiles).filter((id) => id !== me && !others.some((p) => p.userId === id));
  const people = [
    ...others.map((p) => ({ peerId: p.userId, name: p.displayName, listenOnly: p.listenOnly })),
    ...strays.map((id) => ({ peerId: id, name: names[id] ?? '…', listenOnly: false })),
  ];
  const screens = people.flatMap((p) => {
    const stream = tiles[p.peerId]?.screen;
    return stream ? [{ ...p, stream }] : [];
  });
  const status = !online
    ? t('room.phase.reconnecting')
    : phase === 'joining'
      ? t('room.phase.joining')
      : phase === 'renegotiating'
        ? t('room.phase.renegotiating')
        : null;

  return (
    <section
      className="card room-view"
      aria-labelledby="room-view-title"
      data-testid="room-view"
      data-room={room.id}
      data-phase={online ? phase : 'reconnecting'}
    >
      <h2 id="room-view-title">{t('room.media', { room: room.name })}</h2>
      {status && (
        <p role="status" className="hint">
          {status}
        </p>
      )}
      {phase === 'failed' && online && (
        <p role="alert" className="error row">
          {t('room.phase.failed', { reason: problem ?? '' })}
          <button type="button" className="secondary" onClick={() => roomSession().retry()}>
            {t('room.retry')}
          </button>
        </p>
      )}
      {screens.map((s) => (
        <ScreenTile key={s.peerId} peerId={s.peerId} name={s.name} stream={s.stream} />
      ))}
      <ul className="tiles">
        <SelfTile name={self?.displayName ?? names[me] ?? ''} speaking={activeSpeaker === me} />
        {people.map((p) => (
          <ParticipantTile
            key={p.peerId}
            peerId={p.peerId}
            name={p.name}
            tile={tiles[p.peerId]}
            listenOnly={p.listenOnly}
            speaking={activeSpeaker === p.peerId}
          />
        ))}
      </ul>
      {people.length === 0 && (
        <p className="empty" data-testid="room-alone">
          {t('room.alone')}
        </p>
      )}
      {people.map((p) => {
        const audio = tiles[p.peerId]?.audio;
        return audio ? (
          <StreamAudio key={p.peerId} stream={audio} peerId={p.peerId} speaker={speaker} />
        ) : null;
      })}
      <RoomControls listenOnly={self?.listenOnly ?? false} />
    </section>
  );
}
