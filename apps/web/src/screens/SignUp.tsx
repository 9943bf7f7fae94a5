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
  const presetEmail = new URLSearchParams(useRoute((r) => r.search)).get('email') ?? '';
  const [email, setEmail] = useState(presetEmail);
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [sent, setSent] = useState(false);
  const { busy, error, run } = useAction();
  if (sent) {
    return (
      <section className="card">
        <h2>{t('signup.title')}</h2>
        <p role="status">{t('signup.sent', { email })}</p>
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
            await api('POST', '/api/auth/signup', { email, password, displayName, locale: lang });
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

/** Opened from the confirmation email: /verify?token=… */
export function VerifyEmail() {
  const t = useT();
  const token = new URLSearchParams(useRoute((r) => r.search)).get('token') ?? '';
  const [done, setDone] = useState(false);
  const { error, run } = useAction();
  const started = useRef('');
  useEffect(() => {
    if (started.current === token) return; // single-use link: never post it twice
    started.current = token;
    void run(async () => {
      await api('POST', '/api/auth/verify-email', { token });
      setDone(true);
    });
  }, [token, run]);
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
