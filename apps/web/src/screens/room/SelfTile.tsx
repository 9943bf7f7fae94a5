import { useT } from '../../i18n/useT';
import { useMediaStore } from '../../state/mediaSlice';
import { StreamVideo } from './MediaElements';

/** Your own preview (mirrored like a mirror), with your mute state and the speaker highlight. */
export function SelfTile({ name, speaking }: { name: string; speaking: boolean }) {
  const t = useT();
  const camera = useMediaStore((s) => s.localCamera);
  const muted = useMediaStore((s) => s.muted);
  const label = t('room.youName', { name });
  return (
    <li
      className={`tile self${speaking ? ' speaking' : ''}`}
      data-testid="self-tile"
      data-muted={muted}
      data-speaking={speaking}
      aria-label={label}
    >
      <div className="tile-media">
        {camera ? (
          <StreamVideo stream={camera} mirrored testId="self-camera" label={label} />
        ) : (
          <span className="avatar" aria-hidden="true">
            {t('room.you')}
          </span>
        )}
      </div>
      <p className="tile-name">
        <span>{label}</span>
        {muted && (
          <span className="indicator" data-testid="mute-indicator" role="img" aria-label={t('room.muted')}>
            🔇
          </span>
        )}
      </p>
    </li>
  );
}
