import { PresenceState, type PresenceStatus } from '@tsudoi/protocol';
import { useEffect, useState } from 'react';
import type { MessageKey } from '../../i18n/messages';
import { useT } from '../../i18n/useT';
import { request } from '../../realtime/socket';
import { FormError } from '../useAction';
import { useFloorAction } from './useFloorAction';

const STATES: readonly PresenceState[] = PresenceState.options;

/** Sets my status (available / focused / in a meeting / away) and an optional custom text, shown to everyone. */
export function StatusPicker({ current }: { current: PresenceStatus | undefined }) {
  const t = useT();
  const { busy, error, run } = useFloorAction();
  const [state, setState] = useState<PresenceState>(current?.state ?? 'available');
  const [text, setText] = useState(current?.text ?? '');
  const [saved, setSaved] = useState(false);
  // Another tab (or a reconnect) may change my status: follow the server's copy.
  useEffect(() => {
    if (!current) return;
    setState(current.state);
    setText(current.text ?? '');
  }, [current]);
  return (
    <form
      className="status-picker"
      aria-labelledby="status-title"
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        const status: PresenceStatus = { state, ...(text.trim() ? { text: text.trim() } : {}) };
        void run(() => request('presence:set', status)).then(setSaved);
      }}
    >
      <h3 id="status-title">{t('floor.status.title')}</h3>
      <div className="row">
        {/* Not wrapped: a wrapping label would add the selected option to the select's accessible name. */}
        <label htmlFor="status-state">{t('floor.status.state')}</label>
        <select
          id="status-state"
          name="status"
          value={state}
          onChange={(e) => {
            setState(e.target.value as PresenceState);
            setSaved(false);
          }}
        >
          {STATES.map((s) => (
            <option key={s} value={s}>
              {t(`floor.status.${s}` as MessageKey)}
            </option>
          ))}
        </select>
        <label>
          {t('floor.status.text')}
          <input
            name="statusText"
            maxLength={80}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setSaved(false);
            }}
          />
        </label>
        <button type="submit" disabled={busy}>
          {t('floor.status.save')}
        </button>
      </div>
      <FormError message={error} />
      {saved && <p role="status">{t('floor.status.saved')}</p>}
    </form>
  );
}
