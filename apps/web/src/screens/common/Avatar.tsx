import { imagePaths, type PresenceState } from '@tsudoi/protocol';
import { MicOff } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { MessageKey } from '../../i18n/messages';
import { useT } from '../../i18n/useT';
import { useFloorStore } from '../../state/floorSlice';
import { imageActions, useImageVersion } from '../../state/imageStore';
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
  /** The workspace whose profile image to show (default: the floor's workspace). */
  workspaceId?: string;
  /** Next to the person's written name: hidden from assistive technology (the name is read once). */
  decorative?: boolean;
}

/**
 * A person's face: their profile image (R16) when they have one in this workspace, else initials on a colour
 * that stays the same for that person (also while the image loads or if it fails).
 */
export function Avatar({
  userId,
  name,
  size = 32,
  status,
  speaking = false,
  muted = false,
  workspaceId,
  decorative = false,
}: AvatarProps) {
  const t = useT();
  // A new PresenceState needs its `floor.status.<state>` text: this line fails to compile without it.
  const statusKey: MessageKey | undefined = status ? `floor.status.${status}` : undefined;
  const parts = [
    statusKey ? t('avatar.labelStatus', { name, status: t(statusKey) }) : t('avatar.label', { name }),
  ];
  if (speaking) parts.push(t('avatar.speaking'));
  if (muted) parts.push(t('avatar.muted'));
  const label = parts.join(t('avatar.joiner'));
  const photo = useProfilePhoto(userId, workspaceId);
  return (
    <span
      className={`avatar${speaking ? ' speaking' : ''}`}
      {...(decorative ? { 'aria-hidden': true } : { role: 'img', 'aria-label': label })}
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
      {photo && (
        <img
          className="avatar-photo"
          src={photo.src}
          alt=""
          aria-hidden="true"
          data-testid="avatar-photo"
          draggable={false}
          onError={photo.failed}
        />
      )}
      {status && <span className={`avatar-status status-${status}`} aria-hidden="true" />}
      {muted && (
        <span className="avatar-muted" aria-hidden="true">
          <MicOff size={Math.max(10, Math.round(size * 0.3))} />
        </span>
      )}
    </span>
  );
}

/** The URL of a person's current profile image in the workspace on screen, or undefined (initials). */
function useProfilePhoto(
  userId: string,
  workspaceId?: string,
): { src: string; failed: () => void } | undefined {
  const floorWs = useFloorStore((s) => s.workspaceId);
  const ws = workspaceId ?? floorWs;
  const version = useImageVersion(userId);
  const [failed, setFailed] = useState<string | undefined>();
  useEffect(() => {
    if (ws) imageActions.load(ws);
  }, [ws]);
  if (!ws || !version || failed === version) return undefined;
  return { src: `${imagePaths.avatar(ws, userId)}?v=${version}`, failed: () => setFailed(version) };
}
