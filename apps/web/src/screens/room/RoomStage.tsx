import { useEffect, useLayoutEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useT } from '../../i18n/useT';
import { roomSession } from '../../media/roomSession';
import { selectMyRoom, useFloorStore } from '../../state/floorSlice';
import { useMediaStore } from '../../state/mediaSlice';
import { useAppStore } from '../../state/store';
import { StreamAudio } from './MediaElements';
import { ParticipantTile, ScreenTile } from './ParticipantTile';
import { SelfTile } from './SelfTile';
import { fitGrid } from './stageLayout';
import './room.css';

/** Gap between grid tiles, px (matches `.stage-grid { gap }` in room.css). */
const GAP = 8;

/** The stage box's size, kept current with a ResizeObserver (a callback ref: the box comes and goes). */
function useBoxSize<T extends HTMLElement>() {
  const [el, ref] = useState<T | null>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    if (!el) return;
    const measure = () => setSize({ width: el.clientWidth, height: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [el]);
  return [ref, size] as const;
}

/**
 * The room I am in (R4, R5): everyone's video in a grid sized to the count, a shared screen as a spotlight
 * with everyone else as thumbnails, my own preview small in the top corner, muted / speaking / quality marks.
 * No props: reads the floor and media stores. The shell places it with {@link ControlBar} below.
 */
export function RoomStage() {
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
  const [pinned, setPinned] = useState<string | null>(null);
  const [boxRef, box] = useBoxSize<HTMLDivElement>();
  // The session outlives this view: it also brings me back into the room after a server restart.
  useEffect(() => roomSession().sync(), []);
  if (!room || !me) return null;

  const self = room.participants.find((p) => p.userId === me);
  const myName = self?.displayName ?? names[me] ?? '';
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
  const spotlight = screens.find((s) => s.peerId === pinned) ?? screens[0];
  const alone = people.length === 0;
  const status = !online
    ? t('room.phase.reconnecting')
    : phase === 'joining'
      ? t('room.phase.joining')
      : phase === 'renegotiating'
        ? t('room.phase.renegotiating')
        : null;

  const personTile = (p: (typeof people)[number], compact: boolean) => (
    <ParticipantTile
      key={p.peerId}
      peerId={p.peerId}
      name={p.name}
      tile={tiles[p.peerId]}
      listenOnly={p.listenOnly}
      speaking={activeSpeaker === p.peerId}
      compact={compact}
    />
  );
  const gridCount = alone ? 1 : people.length;
  const fit = fitGrid(gridCount, box.width, box.height, GAP);

  return (
    <section
      className="room-stage"
      aria-labelledby="room-view-title"
      data-testid="room-view"
      data-room={room.id}
      data-phase={online ? phase : 'reconnecting'}
      data-layout={spotlight ? 'spotlight' : 'grid'}
    >
      <header className="stage-head">
        <h2 id="room-view-title" aria-label={t('room.media', { room: room.name })}>
          {room.name}
        </h2>
        <span className="stage-count">{t('stage.people', { count: room.participants.length })}</span>
        {status && (
          <span role="status" className="stage-status">
            {status}
          </span>
        )}
      </header>
      {phase === 'failed' && online && (
        <p role="alert" className="error stage-alert">
          {t('room.phase.failed', { reason: problem ? t(problem) : '' })}
          <button type="button" className="secondary" onClick={() => roomSession().retry()}>
            {t('room.retry')}
          </button>
        </p>
      )}
      {spotlight ? (
        <div className="stage-spotlight">
          <div className="stage-main">
            <ScreenTile peerId={spotlight.peerId} name={spotlight.name} stream={spotlight.stream} />
          </div>
          <ul className="stage-thumbs" aria-label={t('stage.others')}>
            {screens
              .filter((s) => s !== spotlight)
              .map((s) => (
                <li key={`screen-${s.peerId}`}>
                  <ScreenTile
                    peerId={s.peerId}
                    name={s.name}
                    stream={s.stream}
                    onSpotlight={() => setPinned(s.peerId)}
                  />
                </li>
              ))}
            {people.map((p) => personTile(p, true))}
            <SelfTile userId={me} name={myName} speaking={activeSpeaker === me} variant="thumb" />
          </ul>
        </div>
      ) : (
        <div className="stage-box" ref={boxRef}>
          <ul
            className="stage-grid"
            style={{ gridTemplateColumns: `repeat(${fit.cols}, ${fit.tileWidth}px)` }}
            data-cols={fit.cols}
          >
            {alone ? (
              <SelfTile userId={me} name={myName} speaking={activeSpeaker === me} variant="grid" />
            ) : (
              people.map((p) => personTile(p, false))
            )}
          </ul>
          {alone ? (
            <p className="stage-alone" data-testid="room-alone">
              {t('room.alone')}
            </p>
          ) : (
            <SelfTile userId={me} name={myName} speaking={activeSpeaker === me} variant="pip" />
          )}
        </div>
      )}
      {people.map((p) => {
        const audio = tiles[p.peerId]?.audio;
        return audio ? (
          <StreamAudio key={p.peerId} stream={audio} peerId={p.peerId} speaker={speaker} />
        ) : null;
      })}
    </section>
  );
}
