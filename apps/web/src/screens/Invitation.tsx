import type { InvitationPreview, WorkspaceSummary } from '@tsudoi/protocol';
import { useEffect, useState } from 'react';
import { api } from '../api/http';
import { errorText } from '../i18n/errorText';
import { useT } from '../i18n/useT';
import { navigate } from '../routing/router';
import { sessionActions, useSession } from '../state/session';
import { SignIn } from './SignIn';
import { FormError, useAction } from './useAction';

/** /invite/:token — shows the invitation; a signed-in invitee joins with one click. */
export function Invitation({ token }: { token: string }) {
  const t = useT();
  const session = useSession();
  const [preview, setPreview] = useState<InvitationPreview | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();
  const { busy, error, run } = useAction();
  useEffect(() => {
    api<InvitationPreview>('GET', `/api/invitations/${encodeURIComponent(token)}`).then(setPreview, (err) =>
      setLoadError(errorText(t, err)),
    );
  }, [token, t]);
  if (loadError) return <FormError message={loadError} />;
  if (!preview) return null;
  return (
    <>
      <section className="card" aria-labelledby="invite-title">
        <h2 id="invite-title">{t('invite.title')}</h2>
        <p>{t('invite.body', { workspace: preview.workspaceName, email: preview.email })}</p>
        {session.status === 'signed-in' ? (
          <>
            <FormError message={error} />
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  const ws = await api<WorkspaceSummary>(
                    'POST',
                    `/api/invitations/${encodeURIComponent(token)}/accept`,
                    {},
                  );
                  await sessionActions.load();
                  navigate(`/w/${ws.id}`);
                })
              }
            >
              {t('invite.accept')}
            </button>
          </>
        ) : (
          <>
            <p>{t('invite.signinFirst', { email: preview.email })}</p>
            <button
              type="button"
              className="link"
              onClick={() => navigate(`/signup?email=${encodeURIComponent(preview.email)}`)}
            >
              {t('signup.noAccount')}
            </button>
          </>
        )}
      </section>
      {session.status === 'signed-out' && <SignIn />}
    </>
  );
}
