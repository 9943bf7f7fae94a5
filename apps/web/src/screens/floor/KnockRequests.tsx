import type { KnockRequest } from '@tsudoi/protocol';
import { useT } from '../../i18n/useT';
import { request } from '../../realtime/socket';
import { floorActions, useFloorStore } from '../../state/floorSlice';
import { FormError } from '../useAction';
import { useFloorAction } from './useFloorAction';

/** Knocks on the room I am in: anyone inside may let the person in or deny. */
export function KnockRequests() {
  const t = useT();
  const knocks = useFloorStore((s) => s.knocks);
  if (knocks.length === 0) return null;
  return (
    <section className="knocks" aria-labelledby="knocks-title">
      <h3 id="knocks-title">{t('floor.knocks')}</h3>
      <ul className="list">
        {knocks.map((k) => (
          <KnockRow key={k.knockId} knock={k} />
        ))}
      </ul>
    </section>
  );
}

function KnockRow({ knock }: { knock: KnockRequest }) {
  const t = useT();
  const room = useFloorStore((s) => s.rooms[knock.roomId]?.name ?? '');
  const { busy, error, run } = useFloorAction();
  const textId = `knock-${knock.knockId}`;
  const respond = (admit: boolean) =>
    run(
      async () =>
        floorActions.events['knock:answered'](
          await request('knock:respond', { knockId: knock.knockId, admit }),
        ),
      {
        NOT_FOUND: 'floor.err.answerGone',
        FORBIDDEN: 'floor.err.notInside',
        CONFLICT: 'floor.err.admitFull',
      },
    );
  return (
    <li data-testid="knock">
      <div className="row">
        <span id={textId}>{t('floor.knocking', { name: knock.from.displayName, room })}</span>
        <button type="button" disabled={busy} aria-describedby={textId} onClick={() => void respond(true)}>
          {t('floor.admit')}
        </button>
        <button
          type="button"
          className="secondary"
          disabled={busy}
          aria-describedby={textId}
          onClick={() => void respond(false)}
        >
          {t('floor.deny')}
        </button>
      </div>
      <FormError message={error} />
    </li>
  );
}
