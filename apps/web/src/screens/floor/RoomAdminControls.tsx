import type { RoomSummary } from '@tsudoi/protocol';
import { useRef, useState } from 'react';
import { useT } from '../../i18n/useT';
import { request } from '../../realtime/socket';
import { FormError } from '../useAction';
import { useFloorAction } from './useFloorAction';

/** Admin controls on a room card: rename in place, archive after a confirmation. */
export function RoomAdminControls({ room }: { room: RoomSummary }) {
  const t = useT();
  const { busy, error, run } = useFloorAction();
  const [mode, setMode] = useState<'idle' | 'rename' | 'archive'>('idle');
  const [name, setName] = useState(room.name);
  const opener = useRef<HTMLButtonElement>(null);
  const back = () => {
    setMode('idle');
    // Keyboard users return to the button they came from.
    queueMicrotask(() => opener.current?.focus());
  };

  if (mode === 'rename')
    return (
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => request('room:rename', { roomId: room.id, name }), {
            NOT_FOUND: 'floor.err.roomGone',
          }).then((ok) => ok && back());
        }}
      >
        <label className="inline">
          {t('floor.renameLabel')}
          <input
            name="roomName"
            required
            maxLength={60}
            value={name}
            // biome-ignore lint/a11y/noAutofocus: the user just asked to edit this very field
            autoFocus
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => e.key === 'Escape' && back()}
          />
        </label>
        <button type="submit" disabled={busy}>
          {t('floor.save')}
        </button>
        <button type="button" className="secondary" onClick={back}>
          {t('floor.cancel')}
        </button>
        <FormError message={error} />
      </form>
    );

  if (mode === 'archive')
    return (
      <fieldset className="row confirm">
        <legend>{t('floor.archiveConfirm', { room: room.name })}</legend>
        <button
          type="button"
          className="danger"
          disabled={busy}
          onClick={() =>
            void run(() => request('room:archive', { roomId: room.id }), { NOT_FOUND: 'floor.err.roomGone' })
          }
        >
          {t('floor.archive')}
        </button>
        <button type="button" className="secondary" onClick={back}>
          {t('floor.cancel')}
        </button>
        <FormError message={error} />
      </fieldset>
    );

  return (
    <div className="row admin-controls">
      <button
        ref={opener}
        type="button"
        className="link"
        onClick={() => {
          setName(room.name);
          setMode('rename');
        }}
      >
        {t('floor.rename')}
      </button>
      <button type="button" className="link" onClick={() => setMode('archive')}>
        {t('floor.archive')}
      </button>
    </div>
  );
}
