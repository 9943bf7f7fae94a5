import { Keyboard, LogOut, Mic, MicOff, MonitorUp, MonitorX, Settings2, Video, VideoOff } from 'lucide-react';
import { useState, useSyncExternalStore } from 'react';
import { useHotkeys } from 'react-hotkeys-hook';
import { errorText, knownErrorText } from '../../i18n/errorText';
import type { MessageKey } from '../../i18n/messages';
import { useT } from '../../i18n/useT';
import { mediaClient } from '../../media/roomSession';
import { request } from '../../realtime/socket';
import { selectMyRoom, useFloorStore } from '../../state/floorSlice';
import { useMediaStore } from '../../state/mediaSlice';
import { DeviceCheckDialog } from './DeviceCheck';
import { deviceErrorKey } from './deviceErrors';
import { ShortcutsSheet } from './ShortcutsSheet';
import { offerScreenShare, SHORTCUTS, setSingleKeysEnabled, singleKeysEnabled } from './shortcuts';
import './room.css';

const FINE_POINTER = '(any-pointer: fine)';

/** Whether the device has a precise pointer (mouse, trackpad); false on iPad and phones. */
function useFinePointer(): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const query = window.matchMedia(FINE_POINTER);
      query.addEventListener('change', onChange);
      return () => query.removeEventListener('change', onChange);
    },
    () => window.matchMedia(FINE_POINTER).matches,
  );
}

/** Moves focus to the room chat's text field (the shell opens its panel on the event if it is closed). */
function focusChat(): void {
  window.dispatchEvent(new CustomEvent('tsudoi:focus-chat'));
  requestAnimationFrame(() =>
    document
      .querySelector<HTMLElement>('[data-testid="room-chat"] textarea, [data-chat-input="room"]')
      ?.focus(),
  );
}

const keysOf = (action: (typeof SHORTCUTS)[number]['action']) =>
  SHORTCUTS.find((s) => s.action === action)?.keys ?? '';
const capsOf = (action: (typeof SHORTCUTS)[number]['action']) =>
  SHORTCUTS.find((s) => s.action === action)?.caps.join('+') ?? '';

/**
 * Mic, camera, screen share, device check, shortcuts and leave, always in view below the stage; every
 * button also works from the keyboard, and M / V / C / Shift+L / ? work anywhere outside a text field.
 * No props: reads the floor and media stores.
 */
export function ControlBar() {
  const t = useT();
  const room = useFloorStore(selectMyRoom);
  const me = useFloorStore((s) => s.me);
  const listenOnly = room?.participants.find((p) => p.userId === me)?.listenOnly ?? false;
  const muted = useMediaStore((s) => s.muted);
  const cameraOn = useMediaStore((s) => s.cameraOn);
  const sharing = useMediaStore((s) => s.sharingScreen);
  const shareSupported = useMediaStore((s) => s.screenShareSupported);
  const finePointer = useFinePointer();
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [devicesOpen, setDevicesOpen] = useState(false);
  const [keysOpen, setKeysOpen] = useState(false);
  const [singleKeys, setSingleKeys] = useState(() => singleKeysEnabled(globalThis.localStorage));
  const canShare = offerScreenShare(shareSupported, finePointer);

  const run = (work: () => Promise<void> | undefined, failure?: MessageKey) => {
    setProblem(null);
    void Promise.resolve(work()).catch((err: unknown) => {
      // Closing the browser's share picker is a choice, not a failure.
      if (failure === 'controls.err.share' && (err as Error)?.name === 'NotAllowedError') return;
      // A device's own problem; else what failed, followed by the server's reason (MEDIA_LIMIT, UNAVAILABLE…).
      const key = deviceErrorKey(err);
      if (key !== 'err.generic') return setProblem(t(key));
      const said = [failure && t(failure), knownErrorText(t, err)].filter(Boolean).join(' ');
      setProblem(said || t(key));
    });
  };
  const toggleMic = () => {
    const unmuting = useMediaStore.getState().muted;
    run(() => mediaClient()?.setMuted(!unmuting), unmuting ? 'controls.err.unmute' : undefined);
  };
  const toggleCamera = () => run(() => mediaClient()?.setCameraOn(!useMediaStore.getState().cameraOn));
  const toggleShare = () =>
    run(
      () =>
        useMediaStore.getState().sharingScreen
          ? mediaClient()?.stopScreenShare()
          : mediaClient()?.startScreenShare(),
      'controls.err.share',
    );
  const floorRequest = async (fn: () => Promise<unknown>) => {
    setProblem(null);
    setBusy(true);
    try {
      await fn();
    } catch (err) {
      setProblem(errorText(t, err, { CONFLICT: 'floor.err.notInRoom', NOT_FOUND: 'floor.err.roomGone' }));
    } finally {
      setBusy(false);
    }
  };
  const leave = () => {
    const current = selectMyRoom(useFloorStore.getState());
    if (current) void floorRequest(() => request('room:leave', { roomId: current.id }));
  };
  const speak = () => {
    if (room) void floorRequest(() => request('room:join', { roomId: room.id, listenOnly: false }));
  };

  const dialogOpen = devicesOpen || keysOpen;
  const hotkey = { enabled: !dialogOpen, preventDefault: true };
  const single = { ...hotkey, enabled: !dialogOpen && singleKeys };
  useHotkeys(keysOf('mic'), toggleMic, { ...single, enabled: single.enabled && !listenOnly });
  useHotkeys(keysOf('camera'), toggleCamera, { ...single, enabled: single.enabled && !listenOnly });
  useHotkeys(keysOf('chat'), focusChat, single);
  useHotkeys(keysOf('leave'), leave, hotkey);
  useHotkeys(keysOf('help'), () => setKeysOpen(true), { ...hotkey, useKey: true, ignoreModifiers: true });

  if (!room) return null;
  return (
    <div className="control-bar" role="toolbar" aria-label={t('room.controls')} data-testid="control-bar">
      <div className="cb-buttons">
        {listenOnly ? (
          <>
            <p className="hint cb-note">{t('room.listenOnlyHint')}</p>
            <button
              type="button"
              className="cb-button"
              disabled={busy}
              onClick={speak}
              data-testid="control-speak"
            >
              <Mic size={20} aria-hidden="true" />
              <span>{t('controls.speak')}</span>
            </button>
          </>
        ) : (
          <>
            <button
              type="button"
              data-testid="toggle-mic"
              aria-pressed={muted}
              aria-keyshortcuts={capsOf('mic')}
              title={`${muted ? t('room.unmute') : t('room.mute')} (${capsOf('mic')})`}
              className={`cb-button${muted ? ' off' : ''}`}
              onClick={toggleMic}
            >
              {muted ? <MicOff size={20} aria-hidden="true" /> : <Mic size={20} aria-hidden="true" />}
              <span>{muted ? t('room.unmute') : t('room.mute')}</span>
            </button>
            <button
              type="button"
              data-testid="toggle-camera"
              aria-pressed={cameraOn}
              aria-keyshortcuts={capsOf('camera')}
              title={`${cameraOn ? t('room.cameraStop') : t('room.cameraOn')} (${capsOf('camera')})`}
              className={`cb-button${cameraOn ? '' : ' off'}`}
              onClick={toggleCamera}
            >
              {cameraOn ? <Video size={20} aria-hidden="true" /> : <VideoOff size={20} aria-hidden="true" />}
              <span>{cameraOn ? t('room.cameraStop') : t('room.cameraOn')}</span>
            </button>
            {canShare ? (
              <button
                type="button"
                data-testid="toggle-screen"
                aria-pressed={sharing}
                title={sharing ? t('room.shareStop') : t('room.shareStart')}
                className={`cb-button${sharing ? ' on' : ''}`}
                onClick={toggleShare}
              >
                {sharing ? (
                  <MonitorX size={20} aria-hidden="true" />
                ) : (
                  <MonitorUp size={20} aria-hidden="true" />
                )}
                <span>{sharing ? t('room.shareStop') : t('room.shareStart')}</span>
              </button>
            ) : (
              <p className="hint cb-note" data-testid="share-unavailable">
                {t('controls.shareNotHere')}
              </p>
            )}
          </>
        )}
        <button
          type="button"
          className="cb-button icon-only"
          title={t('controls.devices')}
          data-testid="control-devices"
          aria-haspopup="dialog"
          onClick={() => setDevicesOpen(true)}
        >
          <Settings2 size={20} aria-hidden="true" />
          <span>{t('controls.devices')}</span>
        </button>
        <button
          type="button"
          className="cb-button icon-only"
          title={t('controls.keys')}
          data-testid="control-keys"
          aria-haspopup="dialog"
          aria-keyshortcuts="?"
          onClick={() => setKeysOpen(true)}
        >
          <Keyboard size={20} aria-hidden="true" />
          <span>{t('controls.keys')}</span>
        </button>
        <button
          type="button"
          className="cb-button leave"
          data-testid="control-leave"
          aria-keyshortcuts={capsOf('leave')}
          title={`${t('controls.leave')} (${capsOf('leave')})`}
          disabled={busy}
          onClick={leave}
        >
          <LogOut size={20} aria-hidden="true" />
          <span>{t('controls.leave')}</span>
        </button>
      </div>
      {problem && (
        <p role="alert" className="error cb-problem">
          {problem}
        </p>
      )}
      <DeviceCheckDialog open={devicesOpen} onClose={() => setDevicesOpen(false)} />
      <ShortcutsSheet
        open={keysOpen}
        onClose={() => setKeysOpen(false)}
        singleKeys={singleKeys}
        onSingleKeys={(on) => {
          setSingleKeysEnabled(globalThis.localStorage, on);
          setSingleKeys(on);
        }}
      />
    </div>
  );
}
