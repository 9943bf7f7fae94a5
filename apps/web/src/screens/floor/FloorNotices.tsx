import { errorText } from '../../i18n/errorText';
import type { MessageKey } from '../../i18n/messages';
import { useT } from '../../i18n/useT';
import { request } from '../../realtime/socket';
import { floorActions, selectMyRoom, useFloorStore } from '../../state/floorSlice';
import { lostRoomActions, useLostRoom } from '../../state/lostRoom';
import { FormError } from '../useAction';
import { useFloorAction } from './useFloorAction';

/** How my own 1on1 invitation and my knock are going: waiting, then the outcome until dismissed. */
export function FloorNotices() {
  return (
    <div className="notices">
      <OutgoingInvitation />
      <MyKnock />
      <LostRoomNotice />
    </div>
  );
}

/** I could not get back into my room after the connection dropped: said, with the server's reason. */
function LostRoomNotice() {
  const t = useT();
  const lost = useLostRoom((s) => s.lost);
  const inRoom = useFloorStore((s) => selectMyRoom(s) !== undefined);
  if (!lost || inRoom) return null;
  const reason = errorText(t, lost.error, { CONFLICT: 'floor.err.full', FORBIDDEN: 'floor.err.private' });
  return (
    <div className="notice row" data-testid="lost-room">
      <p role="alert">{t('floor.lostRoom', { room: lost.roomName, reason })}</p>
      <button type="button" className="link" onClick={lostRoomActions.dismiss}>
        {t('floor.dismiss')}
      </button>
    </div>
  );
}

function OutgoingInvitation() {
  const t = useT();
  const outgoing = useFloorStore((s) => s.outgoing);
  const { busy, error, run } = useFloorAction();
  if (!outgoing) return null;
  const name = outgoing.invitation.to.displayName;
  const cancel = () =>
    run(
      async () =>
        floorActions.events['oneOnOne:answered'](
          await request('oneOnOne:cancel', { inviteId: outgoing.invitation.inviteId }),
        ),
      { NOT_FOUND: 'floor.err.answerGone' },
    );
  return (
    <div
      className="notice row"
      data-testid="outgoing-invitation"
      data-outcome={outgoing.outcome ?? 'pending'}
    >
      <p role="status">
        {outgoing.outcome
          ? t(`floor.invite.${outgoing.outcome}` as MessageKey, { name })
          : t('floor.invite.waiting', { name })}
      </p>
      {outgoing.outcome ? (
        <button type="button" className="link" onClick={floorActions.dismissOutgoing}>
          {t('floor.dismiss')}
        </button>
      ) : (
        <button type="button" className="secondary" disabled={busy} onClick={() => void cancel()}>
          {t('floor.invite.cancel')}
        </button>
      )}
      <FormError message={error} />
    </div>
  );
}

function MyKnock() {
  const t = useT();
  const myKnock = useFloorStore((s) => s.myKnock);
  const room = useFloorStore((s) => (s.myKnock ? (s.rooms[s.myKnock.knock.roomId]?.name ?? '') : ''));
  if (!myKnock) return null;
  return (
    <div className="notice row" data-testid="my-knock" data-outcome={myKnock.outcome ?? 'pending'}>
      <p role="status">
        {myKnock.outcome
          ? t(`floor.knock.${myKnock.outcome}` as MessageKey, { room })
          : t('floor.knockSent', { room })}
      </p>
      {myKnock.outcome && (
        <button type="button" className="link" onClick={floorActions.dismissMyKnock}>
          {t('floor.dismiss')}
        </button>
      )}
    </div>
  );
}
