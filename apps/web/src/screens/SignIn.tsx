import { useState } from 'react';
import { api } from '../api/http';
import { useT } from '../i18n/useT';
import { navigate } from '../routing/router';
import { sessionActions } from '../state/session';
import { Field } from './Field';
import { SsoSignIn } from './SsoSignIn';
import { FormError, useAction } from './useAction';

/** Where "Create an account" leads: the sign-up form, filled in and tied to the invitation if there is one. */
export function signupPath(invitation?: { token: string; email: string }): string {
  if (!invitation) return '/signup';
  const q = new URLSearchParams({ email: invitation.email, invitation: invitation.token });
  return `/signup?${q}`;
}

/** Where "Forgot your password?" leads: on an invitation page it keeps the invitation (the mailed link
 * then leads back to it) and the address typed so far. */
export function forgotPath(invitation: { token: string } | undefined, email: string): string {
  if (!invitation) return '/forgot';
  return `/forgot?${new URLSearchParams({ invitation: invitation.token, ...(email ? { email } : {}) })}`;
}

/**
 * Email + password; then the emailed code (OtpForm). On an invitation page it starts with the invited
 * address, and its one "Create an account" keeps the invitation.
 */
export function SignIn({ invitation }: { invitation?: { token: string; email: string } } = {}) {
  const t = useT();
  const [email, setEmail] = useState(invitation?.email ?? '');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();
  return (
    <section className="card" aria-labelledby="signin-title">
      <h2 id="signin-title">{t('signin.title')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => sessionActions.signin(email, password, invitation?.token));
        }}
      >
        <Field
          label={t('signin.email')}
          type="email"
          name="email"
          autoComplete="username"
          value={email}
          onValue={setEmail}
        />
        <Field
          label={t('signin.password')}
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          onValue={setPassword}
        />
        <FormError message={error} />
        <button type="submit" disabled={busy}>
          {t('signin.submit')}
        </button>
      </form>
      <p className="row">
        <button type="button" className="link" onClick={() => navigate(forgotPath(invitation, email))}>
          {t('signin.forgot')}
        </button>
        <button type="button" className="link" onClick={() => navigate(signupPath(invitation))}>
          {t('signup.noAccount')}
        </button>
      </p>
      {!invitation && <SsoSignIn />}
    </section>
  );
}

/** The 6-digit code step of signing in. */
export function OtpForm({ email }: { email: string }) {
  const t = useT();
  const [code, setCode] = useState('');
  const [notice, setNotice] = useState<string | undefined>();
  const { busy, error, run } = useAction();
  return (
    <section className="card" aria-labelledby="otp-title">
      <h2 id="otp-title">{t('otp.title')}</h2>
      <p>{t('otp.help', { email })}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => sessionActions.verifyCode(code.trim()));
        }}
      >
        <label>
          {t('otp.code')}
          <input
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="\d{6}"
            maxLength={6}
            required
            value={code}
            onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
          />
        </label>
        <FormError message={error} />
        {notice && <p role="status">{notice}</p>}
        <div className="row">
          <button type="submit" disabled={busy || code.length !== 6}>
            {t('otp.submit')}
          </button>
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() =>
              void run(async () => {
                await api('POST', '/api/auth/otp/resend', {});
                setNotice(t('otp.resent'));
              })
            }
          >
            {t('otp.resend')}
          </button>
          <button type="button" className="link" onClick={() => sessionActions.restart()}>
            {t('otp.restart')}
          </button>
        </div>
      </form>
    </section>
  );
}
