import { useState } from 'react';
import { api } from '../api/http';
import { useT } from '../i18n/useT';
import { sessionActions } from '../state/session';
import { Field } from './Field';
import { FormError, useAction } from './useAction';

/** Password change; the server then ends every session, so the user signs in again. */
export function Account({ expired }: { expired: boolean }) {
  const t = useT();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [done, setDone] = useState(false);
  const { busy, error, run } = useAction();
  if (done) return <p role="status">{t('account.changed')}</p>;
  return (
    <section className="card" aria-labelledby="account-title">
      <h2 id="account-title">{t('account.title')}</h2>
      {expired && <p role="alert">{t('account.expired')}</p>}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            await api('POST', '/api/account/password', { currentPassword: current, newPassword: next });
            setDone(true);
            setTimeout(() => sessionActions.restart(), 2500);
          });
        }}
      >
        <Field
          label={t('account.current')}
          type="password"
          name="currentPassword"
          autoComplete="current-password"
          value={current}
          onValue={setCurrent}
        />
        <Field
          label={t('account.new')}
          type="password"
          name="newPassword"
          autoComplete="new-password"
          minLength={8}
          maxLength={64}
          value={next}
          onValue={setNext}
          hint={t('signup.passwordHint')}
        />
        <FormError message={error} />
        <button type="submit" disabled={busy}>
          {t('account.submit')}
        </button>
      </form>
    </section>
  );
}
