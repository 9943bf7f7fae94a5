import { useEffect, useRef } from 'react';
import { useT } from '../../i18n/useT';
import { mediaClient } from '../../media/roomSession';
import type { RemoteTile } from '../../state/mediaSlice';
import { StreamVideo } from './MediaElements';

/** Reports an element's rendered height to the SFU (picks the simulcast layer; 0 pauses the video). */
function useTileHeight(peerId: string, source: 'camera' | 'screen', stream: MediaStream | null) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || !stream) return;
    const report = () =>
      void mediaClient()
        ?.setTileHeight(peerId, source, el.clientHeight)
        .catch(() => {});
    report();
    const observer = new ResizeObserver(report);
    observer.observe(el);
    return () => observer.disconnect();
  }, [peerId, source, stream]);
  return ref;
}

const initials = (name: string) => [...name.trim()].slice(0, 2).join('').toUpperCase();

/** Another participant: camera (or initials), name, mute indicator, speaker highlight. */
export function ParticipantTile({
  peerId,
  name,
  tile,
  listenOnly,
  speaking,
}: {
  peerId: string;
  name: string;
  tile: RemoteTile | undefined;
  listenOnly: boolean;
  speaking: boolean;
}) {
  const t = useT();
  const camera = tile?.camera && !tile.cameraPaused ? tile.camera : null;
  const ref = useTileHeight(peerId, 'camera', tile?.camera ?? null);
  const muted = tile?.audio ? tile.micMuted : false;
  return (
    <li
      className={`tile${speaking ? ' speaking' : ''}`}
      data-testid="tile"
      data-peer={peerId}
      data-muted={muted}
      data-speaking={speaking}
      aria-label={name}
    >
      <div className="tile-media" ref={ref}>
        {camera ? (
          <StreamVideo stream={camera} testId="tile-camera" label={name} />
        ) : (
          <span className="avatar" aria-hidden="true">
            {initials(name)}
          </span>
        )}
      </div>
      <p className="tile-name">
        <span>{name}</span>
        {muted && (
          <span className="indicator" data-testid="mute-indicator" role="img" aria-label={t('room.muted')}>
            🔇
          </span>
        )}
        {listenOnly && <span className="badge">{t('room.listening')}</span>}
        {speaking && <span className="visually-hidden">{t('room.speaking')}</span>}
      </p>
    </li>
  );
}

/** A participant's shared screen, shown large. */
export function ScreenTile({ peerId, name, stream }: { peerId: string; name: string; stream: MediaStream }) {
  const t = useT();
  const ref = useTileHeight(peerId, 'screen', stream);
  const label = t('room.screenOf', { name });
  return (
    <figure className="screen-tile" data-testid="screen-tile" data-peer={peerId}>
      <div className="tile-media" ref={ref}>
        <StreamVideo stream={stream} testId="tile-screen" label={label} />
      </div>
      <figcaption>{label}</figcaption>
    </figure>
  );
}
