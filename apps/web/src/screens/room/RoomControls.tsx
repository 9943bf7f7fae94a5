import { useId, useState } from 'react';
import { useT } from '../../i18n/useT';
import { mediaClient } from '../../media/roomSession';
import { useMediaStore } from '../../state/mediaSlice';
import { DevicePicker } from './DevicePicker';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Mute, camera, screen share and device choice; plain buttons, so all of it works from the keyboard. */
export function RoomControls({ listenOnly }: { listenOnly: boolean }) {
  const t = useT();
  const muted = useMediaStore((s) => s.muted);
  const cameraOn = useMediaStore((s) => s.cameraOn);
  const sharing = useMediaStore((s) => s.sharingScreen);
  const canShare = useMediaStore((s) => s.screenShareSupported);
  const [problem, setProblem] = useState<string | null>(null);
  const shareHelp = useId();
  const run = (work: () => Promise<void> | undefined) => {
    setProblem(null);
    void Promise.resolve(work()).catch((err: unknown) => {
      // Closing the browser's share picker is a choice, not a failure.
      if ((err as Error)?.name !== 'NotAllowedError') setProblem(message(err));
    });
  };
  if (listenOnly) return <p className="hint">{t('room.listenOnlyHint')}</p>;
  return (
    <div className="room-controls" role="toolbar" aria-label={t('room.controls')}>
      <div className="row">
        <button
          type="button"
          data-testid="toggle-mic"
          aria-pressed={muted}
          className={muted ? 'danger' : undefined}
          onClick={() => run(() => mediaClient()?.setMuted(!muted))}
        >
          {muted ? t('room.unmute') : t('room.mute')}
        </button>
        <button
          type="button"
          data-testid="toggle-camera"
          aria-pressed={cameraOn}
          className="secondary"
          onClick={() => run(() => mediaClient()?.setCameraOn(!cameraOn))}
        >
          {cameraOn ? t('room.cameraStop') : t('room.cameraOn')}
        </button>
        <button
          type="button"
          data-testid="toggle-screen"
          aria-pressed={sharing}
          className="secondary"
          disabled={!canShare}
          aria-describedby={canShare ? undefined : shareHelp}
          onClick={() =>
            run(() => (sharing ? mediaClient()?.stopScreenShare() : mediaClient()?.startScreenShare()))
          }
        >
          {sharing ? t('room.shareStop') : t('room.shareStart')}
        </button>
        {!canShare && (
          <span id={shareHelp} className="hint">
            {t('room.shareUnsupported')}
          </span>
        )}
      </div>
      <DevicePicker onError={(err) => setProblem(message(err))} />
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
    </div>
  );
}
