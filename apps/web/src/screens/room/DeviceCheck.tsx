import { useEffect, useId, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { MessageKey } from '../../i18n/messages';
import { useT } from '../../i18n/useT';
import { mediaClient } from '../../media/roomSession';
import { type DeviceOption, mediaActions, useMediaStore } from '../../state/mediaSlice';
import { useModalDialog } from '../common/useModalDialog';
import { deviceErrorKey } from './deviceErrors';
import { canChooseSpeaker, StreamVideo } from './MediaElements';
import { useMicLevel } from './useMicLevel';

type Kind = 'mic' | 'camera' | 'speaker';

/** Lists the browser's devices into the media store (labels appear once access was granted). */
async function listDevices(): Promise<void> {
  const client = mediaClient();
  if (client) return client.refreshDevices();
  const all = await navigator.mediaDevices.enumerateDevices();
  const pick = (kind: MediaDeviceKind) =>
    all.filter((d) => d.kind === kind).map((d) => ({ deviceId: d.deviceId, label: d.label }));
  mediaActions.set({
    devices: { mics: pick('audioinput'), cameras: pick('videoinput'), speakers: pick('audiooutput') },
  });
}

/** Remembers the choice in this browser and, in a room, swaps the live track (no renegotiation). */
async function choose(kind: Kind, deviceId: string): Promise<void> {
  const client = mediaClient();
  if (client) return client.chooseDevice(kind, deviceId);
  mediaActions.selectDevice(kind, deviceId);
}

/** A preview stream of one device for as long as the check is open; stopped when it closes. */
function usePreview(kind: 'mic' | 'camera', deviceId: string | null, onError: (key: MessageKey) => void) {
  const [stream, setStream] = useState<MediaStream | null>(null);
  useEffect(() => {
    let open: MediaStream | undefined;
    let cancelled = false;
    const device: MediaTrackConstraints = deviceId ? { deviceId: { ideal: deviceId } } : {};
    navigator.mediaDevices
      .getUserMedia(kind === 'mic' ? { audio: device } : { video: { ...device, width: { ideal: 640 } } })
      .then((s) => {
        if (cancelled) {
          for (const track of s.getTracks()) track.stop();
          return;
        }
        open = s;
        setStream(s);
        void listDevices().catch(() => {});
      })
      .catch((err: unknown) => {
        if (!cancelled) onError(deviceErrorKey(err));
      });
    return () => {
      cancelled = true;
      for (const t of open?.getTracks() ?? []) t.stop();
      setStream(null);
    };
  }, [kind, deviceId, onError]);
  return stream;
}

function Picker({ kind, label, options }: { kind: Kind; label: MessageKey; options: DeviceOption[] }) {
  const t = useT();
  const id = useId();
  const selected = useMediaStore((s) => s.selected[kind]);
  const [problem, setProblem] = useState<MessageKey | null>(null);
  return (
    <div className="dc-field">
      <label htmlFor={id}>{t(label)}</label>
      <select
        id={id}
        data-testid={`device-${kind}`}
        value={selected ?? ''}
        onChange={(e) => {
          setProblem(null);
          void choose(kind, e.target.value).catch((err: unknown) => setProblem(deviceErrorKey(err)));
        }}
      >
        {(selected === null || !options.some((o) => o.deviceId === selected)) && (
          <option value={selected ?? ''}>{t('room.deviceDefault')}</option>
        )}
        {options.map((d, i) => (
          <option key={d.deviceId || i} value={d.deviceId}>
            {d.label || `${t(label)} ${i + 1}`}
          </option>
        ))}
      </select>
      {problem && (
        <p role="alert" className="error">
          {t(problem)}
        </p>
      )}
    </div>
  );
}

/** The check itself, mounted only while the dialog is open (so the camera light goes off with it). */
function DeviceCheckBody() {
  const t = useT();
  const meterId = useId();
  const selected = useMediaStore(useShallow((s) => s.selected));
  const devices = useMediaStore((s) => s.devices);
  const [problem, setProblem] = useState<MessageKey | null>(null);
  const onError = useRef((key: MessageKey) => setProblem(key)).current;
  const camera = usePreview('camera', selected.camera, onError);
  const mic = usePreview('mic', selected.mic, onError);
  const level = useMicLevel(mic);
  return (
    <>
      <p className="hint">{t('devices.help')}</p>
      <div className="dc-preview" data-testid="device-preview">
        {camera ? (
          <StreamVideo stream={camera} mirrored testId="device-preview-video" label={t('devices.preview')} />
        ) : (
          <span className="hint">{problem ? t('devices.noCamera') : t('devices.starting')}</span>
        )}
      </div>
      <div className="dc-field">
        <label htmlFor={meterId}>{t('devices.level')}</label>
        <meter
          id={meterId}
          data-testid="mic-level"
          className="dc-meter"
          min={0}
          max={1}
          low={0.15}
          high={0.9}
          optimum={0.5}
          value={level}
        />
        <span className="hint">{t('devices.levelHint')}</span>
      </div>
      {problem && (
        <p role="alert" className="error">
          {t(problem)}
        </p>
      )}
      <Picker kind="mic" label="room.mic" options={devices.mics} />
      <Picker kind="camera" label="room.camera" options={devices.cameras} />
      {canChooseSpeaker() ? (
        <Picker kind="speaker" label="room.speaker" options={devices.speakers} />
      ) : (
        <p className="hint">{t('room.speakerUnsupported')}</p>
      )}
    </>
  );
}

/**
 * The device check: camera preview, live microphone level and device choice, in a modal `<dialog>`
 * (native, so focus is trapped and Escape closes it without injected styles — CSP `style-src 'self'`).
 */
export function DeviceCheckDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT();
  const ref = useModalDialog(open);
  const titleId = useId();
  return (
    <dialog
      ref={ref}
      className="sheet"
      aria-labelledby={titleId}
      data-testid="device-check"
      onClose={onClose}
    >
      <h2 id={titleId}>{t('devices.title')}</h2>
      {open && <DeviceCheckBody />}
      <form method="dialog" className="sheet-actions">
        <button type="submit" data-testid="device-check-done">
          {t('devices.done')}
        </button>
      </form>
    </dialog>
  );
}

const CHECKED_KEY = 'tsudoi.device.checked';

/**
 * "Check camera and mic" before dropping in: for the floor overview (the shell places it). Until this
 * browser has done one check it is the filled (primary) button, after that a quiet one.
 */
export function DeviceCheckButton() {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [checked, setChecked] = useState(() => globalThis.localStorage?.getItem(CHECKED_KEY) === '1');
  return (
    <div className="prejoin" data-testid="prejoin" data-checked={checked}>
      <p>{t('devices.preJoin')}</p>
      <button
        type="button"
        className={checked ? 'secondary' : undefined}
        data-testid="open-device-check"
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        {t('devices.open')}
      </button>
      <DeviceCheckDialog
        open={open}
        onClose={() => {
          setOpen(false);
          globalThis.localStorage?.setItem(CHECKED_KEY, '1');
          setChecked(true);
        }}
      />
    </div>
  );
}
