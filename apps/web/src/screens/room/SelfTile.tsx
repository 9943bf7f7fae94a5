import { MicOff } from 'lucide-react';
import { useT } from '../../i18n/useT';
import { useMediaStore } from '../../state/mediaSlice';
import { Avatar } from '../common/Avatar';
import { StreamVideo } from './MediaElements';

/** Your own preview (mirrored like a mirror), small unless you are alone, with mute and speaking marks. */
export function SelfTile({
  userId,
  name,
  speaking,
  variant,
}: {
  userId: string;
  name: string;
  speaking: boolean;
  /** `pip`: small in a corner of the stage; `grid`: alone in the room; `thumb`: next to a shared screen. */
  variant: 'pip' | 'grid' | 'thumb';
}) {
  const t = useT();
  const camera = useMediaStore((s) => s.localCamera);
  const muted = useMediaStore((s) => s.muted);
  const label = t('room.youName', { name });
  const Tag = variant === 'pip' ? 'div' : 'li';
  return (
    <Tag
      className={`tile self ${variant}${speaking ? ' speaking' : ''}`}
      data-testid="self-tile"
      data-muted={muted}
      data-speaking={speaking}
      aria-label={label}
      role={variant === 'pip' ? 'group' : undefined}
    >
      <div className="tile-media">
        {camera ? (
          <StreamVideo stream={camera} mirrored testId="self-camera" label={label} />
        ) : (
          <Avatar userId={userId} name={name} size={variant === 'grid' ? 64 : 36} speaking={speaking} />
        )}
      </div>
      <p className="tile-name">
        <span className="tile-label">{label}</span>
        {muted && (
          <span className="indicator" data-testid="mute-indicator" role="img" aria-label={t('room.muted')}>
            <MicOff size={16} aria-hidden="true" />
          </span>
        )}
      </p>
    </Tag>
  );
}
