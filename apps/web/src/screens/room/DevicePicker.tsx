import { useEffect } from 'react';
import type { MessageKey } from '../../i18n/messages';
import { useT } from '../../i18n/useT';
import { mediaClient } from '../../media/roomSession';
import { type DeviceOption, useMediaStore } from '../../state/mediaSlice';
import { canChooseSpeaker } from './MediaElements';

type Kind = 'mic' | 'camera' | 'speaker';

function Picker({
  kind,
  label,
  options,
  onError,
}: {
  kind: Kind;
  label: MessageKey;
  options: DeviceOption[];
  onError: (err: unknown) => void;
}) {
  const t = useT();
  const selected = useMediaStore((s) => s.selected[kind]);
  return (
    <label className="inline">
      {t(label)}
      <select
        data-testid={`device-${kind}`}
        value={selected ?? ''}
        onChange={(e) => void mediaClient()?.chooseDevice(kind, e.target.value).catch(onError)}
      >
        {selected === null && <option value="">{t('room.deviceDefault')}</option>}
        {options.map((d, i) => (
          <option key={d.deviceId || i} value={d.deviceId}>
            {d.label || `${t(label)} ${i + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Microphone, camera and speaker choice (labels appear once the browser granted access). */
export function DevicePicker({ onError }: { onError: (err: unknown) => void }) {
  const t = useT();
  const devices = useMediaStore((s) => s.devices);
  useEffect(() => {
    void mediaClient()
      ?.refreshDevices()
      .catch(() => {});
  }, []);
  return (
    <fieldset className="devices row">
      <legend>{t('room.devices')}</legend>
      <Picker kind="mic" label="room.mic" options={devices.mics} onError={onError} />
      <Picker kind="camera" label="room.camera" options={devices.cameras} onError={onError} />
      {canChooseSpeaker() ? (
        <Picker kind="speaker" label="room.speaker" options={devices.speakers} onError={onError} />
      ) : (
        <span className="hint">{t('room.speakerUnsupported')}</span>
      )}
    </fieldset>
  );
}
