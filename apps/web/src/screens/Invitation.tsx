import type { InvitationPreview, WorkspaceSummary } from '@tsudoi/protocol';
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/http';
import { errorText } from '../i18n/errorText';
import type { MessageKey } from '../i18n/messages';
import { useT } from '../i18n/useT';
import { navigate, useRoute } from '../routing/router';
import { sessionActions, useSession } from '../state/session';
import { OtpForm, SignIn } from './SignIn';
import { FormError, useAction } from './useAction';

/**
 * /invite/:token — the invitation survives every step on this page: a signed-out invitee signs in here
 * (the emailed code step included, also after a reload) or creates an account (the confirmation link leads
 * back here), and once signed in on this page they join and land on the workspace's floor. Someone already
 * signed in joins with one click.
 */
export function Invitation({ token }: { token: string }) {
  const t = useT();
  const session = useSession();
  const verified = new URLSearchParams(useRoute((r) => r.search)).has('verified');
  const [preview, setPreview] = useState<InvitationPreview | undefined>();
  const [loadError, setLoadError] = useState<unknown>();
  const { busy, error, run } = useAction();
  /** This page saw the person signed out or at the code step: the sign-in that follows is to join. */
  const signingInHere = useRef(false);
  const joinStarted = useRef(false);
  // Once per link (`t` is a new function every render: depending on it would fetch in a loop).
  useEffect(() => {
    setLoadError(undefined);
    api<InvitationPreview>('GET', `/api/invitations/${encodeURIComponent(token)}`).then(
      setPreview,
      setLoadError,
    );
  }, [token]);

  const join = () =>
    run(async () => {
      joinStarted.current = true;
      const ws = await api<WorkspaceSummary>(
        'POST',
        `/api/invitations/${encodeURIComponent(token)}/accept`,
        {},
      );
      await sessionActions.load();
      navigate(`/w/${ws.id}`, true);
    });

  if (session.status === 'signed-out' || session.status === 'otp') signingInHere.current = true;
  const me = session.status === 'signed-in' ? session.info.user.email : undefined;
  const forMe = preview?.status === 'pending' && me === preview.email;
  useEffect(() => {
    if (forMe && signingInHere.current && !joinStarted.current) void join();
  });

  if (loadError) return <FormError message={errorText(t, loadError)} />;
  if (!preview) return null;
  const invited = { token, email: preview.email };
  const pending = preview.status === 'pending';
  return (
    <>
      <section className="card" aria-labelledby="invite-title" data-testid="invitation">
        <h2 id="invite-title">{t('invite.title')}</h2>
        <p>{t('invite.body', { workspace: preview.workspaceName, email: preview.email })}</p>
        {!pending ? (
          <>
            <p role="alert">{t(`invite.status.${preview.status}` as MessageKey)}</p>
            <button type="button" className="link" onClick={() => navigate('/')}>
              {t('invite.toWorkspaces')}
            </button>
          </>
        ) : session.status === 'signed-in' ? (
          me === preview.email ? (
            <>
              <FormError message={error} />
              {busy && <p role="status">{t('invite.joining', { workspace: preview.workspaceName })}</p>}
              <button type="button" disabled={busy} onClick={() => void join()}>
                {t('invite.accept')}
              </button>
            </>
          ) : (
            <>
              <p role="alert">{t('invite.otherAccount', { email: preview.email, current: me ?? '' })}</p>
              <button type="button" onClick={() => void sessionActions.signout()}>
                {t('nav.signout')}
              </button>
            </>
          )
        ) : session.status === 'loading' ? null : verified ? (
          <p role="status">{t('invite.verified', { workspace: preview.workspaceName })}</p>
        ) : (
          <p>{t('invite.signinFirst', { email: preview.email })}</p>
        )}
      </section>
      {pending && session.status === 'signed-out' && <SignIn invitation={invited} />}
      {pending && session.status === 'otp' && <OtpForm email={session.email} />}
    </>
  );
}
