import type { OneOnOneInvitation } from '@tsudoi/protocol';
import { useT } from '../../i18n/useT';
import { request } from '../../realtime/socket';
import { floorActions, useFloorStore } from '../../state/floorSlice';
import { useModalDialog } from '../common/useModalDialog';
import { FormError } from '../useAction';
import { useFloorAction } from './useFloorAction';

/** The oldest 1on1 invitation waiting for me, as a modal dialog; the next one follows once answered. */
export function InvitationDialog() {
  const invitation = useFloorStore((s) => s.invitations[0]);
  return invitation ? <InvitationPrompt key={invitation.inviteId} invitation={invitation} /> : null;
}

function InvitationPrompt({ invitation }: { invitation: OneOnOneInvitation }) {
  const t = useT();
  const { busy, error, run } = useFloorAction();
  // A native modal dialog: focus moves into it, Tab stays inside, Escape cancels (= decline).
  const ref = useModalDialog(true);
  const respond = (accept: boolean) =>
    run(
      async () => {
        const answer = await request('oneOnOne:respond', { inviteId: invitation.inviteId, accept });
        // The same answer also arrives as `oneOnOne:answered` (in every tab); applying it twice is harmless.
        floorActions.events['oneOnOne:answered'](answer);
      },
      { NOT_FOUND: 'floor.err.answerGone', CONFLICT: 'floor.err.cannotJoin' },
    );
  const titleId = `invite-title-${invitation.inviteId}`;
  const bodyId = `invite-body-${invitation.inviteId}`;
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) void respond(false);
      }}
    >
      <h2 id={titleId}>{t('floor.invite.title')}</h2>
      <p id={bodyId}>{t('floor.invite.body', { name: invitation.from.displayName })}</p>
      <div className="row">
        <button type="button" disabled={busy} onClick={() => void respond(true)}>
          {t('floor.invite.accept')}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={() => void respond(false)}>
          {t('floor.invite.decline')}
        </button>
      </div>
      <FormError message={error} />
    </dialog>
  );
}
