import { MAX_ROOM_CAPACITY } from '@tsudoi/protocol';
import { useState } from 'react';
import { useT } from '../../i18n/useT';
import { request } from '../../realtime/socket';
import { draftAfterSubmit } from '../submittedDraft';
import { FormError } from '../useAction';
import { useFloorAction } from './useFloorAction';

/** Admins: a new room with a name and an optional capacity. The room appears through `floor:roomUpdated`. */
const EMPTY_ROOM_DRAFT = { name: '', capacity: '' };

export function CreateRoomForm() {
  const t = useT();
  const { busy, error, run } = useFloorAction();
  const [draft, setDraft] = useState(EMPTY_ROOM_DRAFT);
  const { name, capacity } = draft;
  const [notice, setNotice] = useState<string | undefined>();
  return (
    <form
      className="create-room"
      aria-labelledby="create-room-title"
      onSubmit={(e) => {
        e.preventDefault();
        setNotice(undefined);
        const submitted = draft;
        void run(async () => {
          const room = await request('room:create', {
            name: name.trim(),
            capacity: capacity ? Number(capacity) : null,
          });
          setNotice(t('floor.create.done', { room: room.name }));
          setDraft((current) => draftAfterSubmit(current, submitted, EMPTY_ROOM_DRAFT));
        });
      }}
    >
      <h3 id="create-room-title">{t('floor.create.title')}</h3>
      <div className="row">
        <label>
          {t('floor.create.name')}
          <input
            name="roomName"
            required
            maxLength={60}
            value={name}
            onChange={(e) => setDraft((d) => ({ ...d, name: e.target.value }))}
          />
        </label>
        <label>
          {t('floor.create.capacity')}
          <input
            name="capacity"
            type="number"
            min={1}
            max={MAX_ROOM_CAPACITY}
            step={1}
            inputMode="numeric"
            value={capacity}
            onChange={(e) => setDraft((d) => ({ ...d, capacity: e.target.value }))}
          />
        </label>
        <button type="submit" disabled={busy || !name.trim()}>
          {t('floor.create.submit')}
        </button>
      </div>
      <FormError message={error} />
      {notice && <p role="status">{notice}</p>}
    </form>
  );
}
