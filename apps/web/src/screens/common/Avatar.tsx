import type { PresenceState } from '@tsudoi/protocol';
import { MicOff } from 'lucide-react';
import type { MessageKey } from '../../i18n/messages';
import { useT } from '../../i18n/useT';
import { avatarColour, initials } from './avatarLook';
import './avatar.css';

export interface AvatarProps {
  userId: string;
  name: string;
  /** Diameter in px (default 32). */
  size?: number;
  /** Draws a status dot; the status is part of the accessible name. */
  status?: PresenceState;
  /** Draws a speaking ring. */
  speaking?: boolean;
  /** Draws a small muted-microphone mark. */
  muted?: boolean;
}

/** A person's face until profile images exist: initials on a colour that stays the same for that person. */
export function Avatar({ userId, name, size = 32, status, speaking = false, muted = false }: AvatarProps) {
  const t = useT();
  // A new PresenceState needs its `floor.status.<state>` text: this line fails to compile without it.
  const statusKey: MessageKey | undefined = status ? `floor.status.${status}` : undefined;
  const parts = [
    statusKey ? t('avatar.labelStatus', { name, status: t(statusKey) }) : t('avatar.label', { name }),
  ];
  if (speaking) parts.push(t('avatar.speaking'));
  if (muted) parts.push(t('avatar.muted'));
  const label = parts.join(t('avatar.joiner'));
  return (
    <span
      className={`avatar${speaking ? ' speaking' : ''}`}
      role="img"
      aria-label={label}
      title={label}
      data-testid="avatar"
      data-avatar-of={userId}
      data-status={status}
      data-speaking={speaking || undefined}
      style={{ width: size, height: size, fontSize: Math.max(10, Math.round(size * 0.42)) }}
    >
      <span className="avatar-face" style={{ background: avatarColour(userId) }} aria-hidden="true">
        {initials(name)}
      </span>
      {status && <span className={`avatar-status status-${status}`} aria-hidden="true" />}
      {muted && (
        <span className="avatar-muted" aria-hidden="true">
          <MicOff size={Math.max(10, Math.round(size * 0.3))} />
        </span>
      )}
    </span>
  );
}
