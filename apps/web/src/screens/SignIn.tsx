import { useT } from '../i18n/useT';

/** Sign-in form (the accounts issue wires it up; until then it says so). */
export function SignIn() {
  const t = useT();
  return (
    <section className="card" aria-labelledby="signin-title">
      <h2 id="signin-title">{t('signin.title')}</h2>
      <form onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('signin.email')}
          <input type="email" name="email" autoComplete="username" disabled />
        </label>
        <label>
          {t('signin.password')}
          <input type="password" name="password" autoComplete="current-password" disabled />
        </label>
        <button type="submit" disabled>
          {t('signin.submit')}
        </button>
        <p className="hint">{t('signin.comingSoon')}</p>
      </form>
    </section>
  );
}
