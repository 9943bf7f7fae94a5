import type { MediaSource } from '@tsudoi/protocol';
import { MicOff, Signal, SignalLow, SignalMedium, SignalZero } from 'lucide-react';
import { useEffect, useRef } from 'react';
import { useT } from '../../i18n/useT';
import { layerForTileHeight } from '../../media/mediaPolicy';
import { mediaClient } from '../../media/roomSession';
import type { RemoteTile } from '../../state/mediaSlice';
import { Avatar } from '../common/Avatar';
import { StreamVideo } from './MediaElements';
import type { TileQuality } from './tileQuality';
import { useTileQuality } from './useTileQuality';

/** Reports an element's rendered height to the SFU (picks the simulcast layer; 0 pauses the video). */
function useTileHeight(peerId: string, source: 'camera' | 'screen', stream: MediaStream | null) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || !stream) return;
    // Only a change of layer is worth a request: a layout that settles over a few frames (or a
    // scrollbar coming and going) must not flood the server, which disconnects a flooding socket.
    let last: ReturnType<typeof layerForTileHeight> | undefined;
    const report = () => {
      const layer = layerForTileHeight(el.clientHeight);
      if (layer === last) return;
      last = layer;
      void mediaClient()
        ?.setTileHeight(peerId, source, el.clientHeight)
        .catch(() => {});
    };
    report();
    const observer = new ResizeObserver(report);
    observer.observe(el);
    return () => observer.disconnect();
  }, [peerId, source, stream]);
  return ref;
}

const QUALITY_ICON = { good: Signal, fair: SignalMedium, poor: SignalLow, unknown: SignalZero } as const;

/** Bars for a tile's connection quality; the words are its accessible name. */
export function QualityMark({ quality }: { quality: TileQuality }) {
  const t = useT();
  const Icon = QUALITY_ICON[quality];
  const label = t(`quality.${quality}`);
  return (
    <span
      className={`tile-quality q-${quality}`}
      role="img"
      aria-label={label}
      title={label}
      data-testid="tile-quality"
      data-quality={quality}
    >
      <Icon size={16} aria-hidden="true" />
    </span>
  );
}

/** The stream a tile's quality is judged on: audio while it flows, else the camera. */
const judgedSource = (tile: RemoteTile | undefined): MediaSource | null =>
  tile?.audio && !tile.micMuted ? 'mic' : tile?.camera && !tile.cameraPaused ? 'camera' : null;

/** Another participant: camera (or their avatar), name, mute and speaking marks, connection quality. */
export function ParticipantTile({
  peerId,
  name,
  tile,
  listenOnly,
  speaking,
  compact = false,
}: {
  peerId: string;
  name: string;
  tile: RemoteTile | undefined;
  listenOnly: boolean;
  speaking: boolean;
  /** A thumbnail next to a shared screen. */
  compact?: boolean;
}) {
  const t = useT();
  const camera = tile?.camera && !tile.cameraPaused ? tile.camera : null;
  const ref = useTileHeight(peerId, 'camera', tile?.camera ?? null);
  const muted = tile?.audio ? tile.micMuted : false;
  const quality = useTileQuality(peerId, judgedSource(tile));
  return (
    <li
      className={`tile${speaking ? ' speaking' : ''}${compact ? ' compact' : ''}`}
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
          <Avatar userId={peerId} name={name} size={compact ? 36 : 64} speaking={speaking} />
        )}
      </div>
      <p className="tile-name">
        <span className="tile-label">{name}</span>
        {muted && (
          <span className="indicator" data-testid="mute-indicator" role="img" aria-label={t('room.muted')}>
            <MicOff size={16} aria-hidden="true" />
          </span>
        )}
        {listenOnly && <span className="badge">{t('room.listening')}</span>}
        {speaking && <span className="visually-hidden">{t('room.speaking')}</span>}
        {!listenOnly && <QualityMark quality={quality} />}
      </p>
    </li>
  );
}

/** A participant's shared screen: the spotlight, or a thumbnail that brings it into the spotlight. */
export function ScreenTile({
  peerId,
  name,
  stream,
  onSpotlight,
}: {
  peerId: string;
  name: string;
  stream: MediaStream;
  /** Set on a thumbnail: pressing it shows this screen large. */
  onSpotlight?: () => void;
}) {
  const t = useT();
  const ref = useTileHeight(peerId, 'screen', stream);
  const label = t('room.screenOf', { name });
  return (
    <figure
      className={`screen-tile${onSpotlight ? ' compact' : ''}`}
      data-testid="screen-tile"
      data-peer={peerId}
      data-spotlight={!onSpotlight}
    >
      <div className="tile-media" ref={ref}>
        <StreamVideo stream={stream} testId="tile-screen" label={label} />
      </div>
      <figcaption>
        {onSpotlight ? (
          <button type="button" className="link" onClick={onSpotlight}>
            {t('stage.showScreen', { name })}
          </button>
        ) : (
          label
        )}
      </figcaption>
    </figure>
  );
}
