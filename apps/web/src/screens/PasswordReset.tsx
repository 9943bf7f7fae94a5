import { useState } from 'react';
import { api } from '../api/http';
import { useT } from '../i18n/useT';
import { navigate, useRoute } from '../routing/router';
import { sessionActions } from '../state/session';
import { Field } from './Field';
import { FormError, useAction } from './useAction';

/** "Forgot your password?": asks for the address; the answer is the same whether it has an account. */
export function ForgotPassword() {
  const t = useT();
  // From an invitation page: the invitation rides along (the reset link leads back to it).
  const query = new URLSearchParams(useRoute((r) => r.search));
  const invitation = query.get('invitation') ?? undefined;
  const [email, setEmail] = useState(query.get('email') ?? '');
  const [sent, setSent] = useState(false);
  const { busy, error, run } = useAction();
  return (
    <section className="card" aria-labelledby="forgot-title">
      <h2 id="forgot-title">{t('forgot.title')}</h2>
      {sent ? (
        <p role="status">{t('forgot.sent', { email })}</p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              await api('POST', '/api/auth/password/forgot', {
                email,
                ...(invitation ? { invitation } : {}),
              });
              setSent(true);
            });
          }}
        >
          <p>{t('forgot.help')}</p>
          <Field
            label={t('signin.email')}
            type="email"
            name="email"
            autoComplete="username"
            value={email}
            onValue={setEmail}
          />
          <FormError message={error} />
          <button type="submit" disabled={busy}>
            {t('forgot.submit')}
          </button>
        </form>
      )}
      <button
        type="button"
        className="link"
        onClick={() => navigate(invitation ? `/invite/${encodeURIComponent(invitation)}` : '/')}
      >
        {t('forgot.back')}
      </button>
    </section>
  );
}

/** Opened from the reset mail: /reset-password?token=… — sets a new password, then everyone signs in again. */
export function ResetPassword() {
  const t = useT();
  const query = new URLSearchParams(useRoute((r) => r.search));
  const token = query.get('token') ?? '';
  // Set when the reset was asked for on an invitation page: signing in continues there.
  const invitation = query.get('invitation');
  const next = invitation ? `/invite/${encodeURIComponent(invitation)}` : '/';
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [done, setDone] = useState(false);
  const [linkDead, setLinkDead] = useState(false);
  const { busy, error, run, setError } = useAction();
  if (done) {
    return (
      <section className="card" aria-labelledby="reset-title">
        <h2 id="reset-title">{t('reset.title')}</h2>
        <p role="status">{t('reset.done')}</p>
        <button type="button" onClick={() => void sessionActions.load().finally(() => navigate(next, true))}>
          {t('signin.title')}
        </button>
      </section>
    );
  }
  return (
    <section className="card" aria-labelledby="reset-title">
      <h2 id="reset-title">{t('reset.title')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (password !== repeat) {
            setError(t('reset.mismatch'));
            return;
          }
          void run(async () => {
            try {
              await api('POST', '/api/auth/password/reset', { token, newPassword: password });
            } catch (err) {
              const code = (err as { body?: { code?: string } }).body?.code;
              if (code === 'LINK_INVALID') setLinkDead(true);
              throw err;
            }
            setDone(true);
          });
        }}
      >
        <Field
          label={t('reset.new')}
          type="password"
          name="newPassword"
          autoComplete="new-password"
          maxLength={64}
          value={password}
          onValue={setPassword}
          hint={t('signup.passwordHint')}
        />
        <Field
          label={t('reset.repeat')}
          type="password"
          name="repeatPassword"
          autoComplete="new-password"
          maxLength={64}
          value={repeat}
          onValue={setRepeat}
        />
        <FormError message={error} />
        <button type="submit" disabled={busy}>
          {t('reset.submit')}
        </button>
      </form>
      {linkDead && (
        <button type="button" className="link" onClick={() => navigate('/forgot')}>
          {t('reset.again')}
        </button>
      )}
    </section>
  );
}
