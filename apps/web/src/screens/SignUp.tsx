import { LinkToken } from '@tsudoi/protocol';
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/http';
import { useT } from '../i18n/useT';
import { navigate, useRoute } from '../routing/router';
import { useAppStore } from '../state/store';
import { Field } from './Field';
import { FormError, useAction } from './useAction';

/** Sign-up: the user sets their own password (R9); a confirmation link follows by email. */
export function SignUp() {
  const t = useT();
  const lang = useAppStore((s) => s.lang);
  const query = new URLSearchParams(useRoute((r) => r.search));
  const presetEmail = query.get('email') ?? '';
  // Signing up from an invitation: the confirmation link leads back to it (checked by the server).
  const invitation = linkToken(query.get('invitation'));
  const [email, setEmail] = useState(presetEmail);
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [sent, setSent] = useState(false);
  const { busy, error, run } = useAction();
  if (sent) {
    return (
      <section className="card">
        <h2>{t('signup.title')}</h2>
        <p role="status">{t(invitation ? 'signup.sentInvite' : 'signup.sent', { email })}</p>
        <button type="button" className="link" onClick={() => navigate('/')}>
          {t('signup.haveAccount')}
        </button>
      </section>
    );
  }
  return (
    <section className="card" aria-labelledby="signup-title">
      <h2 id="signup-title">{t('signup.title')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            await api('POST', '/api/auth/signup', {
              email,
              password,
              displayName,
              locale: lang,
              ...(invitation ? { invitation } : {}),
            });
            setSent(true);
          });
        }}
      >
        <Field
          label={t('signin.email')}
          type="email"
          name="email"
          autoComplete="email"
          value={email}
          onValue={setEmail}
        />
        <Field
          label={t('signup.name')}
          name="displayName"
          autoComplete="name"
          maxLength={60}
          value={displayName}
          onValue={setDisplayName}
        />
        <Field
          label={t('signin.password')}
          type="password"
          name="password"
          autoComplete="new-password"
          minLength={8}
          maxLength={64}
          value={password}
          onValue={setPassword}
          hint={t('signup.passwordHint')}
        />
        <FormError message={error} />
        <button type="submit" disabled={busy}>
          {t('signup.submit')}
        </button>
      </form>
      <button type="button" className="link" onClick={() => navigate('/')}>
        {t('signup.haveAccount')}
      </button>
    </section>
  );
}

/** A mailed-link token from the address bar, or undefined when it is not one. */
function linkToken(value: string | null): string | undefined {
  return value && LinkToken.safeParse(value).success ? value : undefined;
}

/**
 * Opened from the confirmation email: /verify?token=… (&invitation=… when the person signed up from an
 * invitation: once confirmed, they go back to it to sign in and join).
 */
export function VerifyEmail() {
  const t = useT();
  const query = new URLSearchParams(useRoute((r) => r.search));
  const token = query.get('token') ?? '';
  const invitation = linkToken(query.get('invitation'));
  const [done, setDone] = useState(false);
  const { error, run } = useAction();
  const started = useRef('');
  useEffect(() => {
    if (started.current === token) return; // single-use link: never post it twice
    started.current = token;
    void run(async () => {
      await api('POST', '/api/auth/verify-email', { token });
      if (invitation) navigate(`/invite/${encodeURIComponent(invitation)}?verified=1`, true);
      else setDone(true);
    });
  }, [token, run, invitation]);
  return (
    <section className="card">
      <h2>{t('verify.title')}</h2>
      {done ? <p role="status">{t('verify.ok')}</p> : !error && <p>{t('verify.running')}</p>}
      <FormError message={error} />
      <button type="button" onClick={() => navigate('/', true)}>
        {t('signin.title')}
      </button>
    </section>
  );
}
