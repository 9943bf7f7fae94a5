import { useEffect, useState } from 'react';
import { useT } from '../i18n/useT';
import { sessionActions } from '../state/session';

/** Tries again by itself this often while the server cannot be reached. */
const RETRY_EVERY_MS = 5_000;

/**
 * The first look at the session failed for a reason that may pass (the server restarting, the network):
 * says so, tries again every few seconds, and offers to try at once — instead of a blank page.
 */
export function SessionUnreachable() {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const retry = () => {
    setBusy(true);
    // On success the session screen replaces this one; on failure it stays, ready for the next try.
    void sessionActions.start().finally(() => setBusy(false));
  };
  useEffect(() => {
    const timer = setInterval(() => void sessionActions.start(), RETRY_EVERY_MS);
    return () => clearInterval(timer);
  }, []);
  return (
    <section className="card" role="alert" data-testid="session-unreachable">
      <h2>{t('session.unreachable.title')}</h2>
      <p>{t('session.unreachable.body')}</p>
      <button type="button" onClick={retry} disabled={busy}>
        {busy ? t('session.unreachable.trying') : t('session.unreachable.retry')}
      </button>
    </section>
  );
}
