import { useEffect } from 'react';
import { useT } from './i18n/useT';
import { getSocket } from './realtime/socket';
import { ConnectionCheck } from './screens/ConnectionCheck';
import { SignIn } from './screens/SignIn';
import { useAppStore } from './state/store';

export function App() {
  const t = useT();
  const lang = useAppStore((s) => s.lang);
  const setLang = useAppStore((s) => s.setLang);
  const connection = useAppStore((s) => s.connection);
  useEffect(() => {
    getSocket();
  }, []);
  return (
    <div className="app">
      <header>
        <h1>Tsudoi</h1>
        <p className="tagline">{t('app.tagline')}</p>
        <button type="button" className="link" onClick={() => setLang(lang === 'ja' ? 'en' : 'ja')}>
          {t('lang.switch')}
        </button>
      </header>
      <p role="status" data-testid="connection" data-state={connection} className={`conn ${connection}`}>
        {connection === 'online' && t('conn.online')}
        {connection === 'connecting' && t('conn.offline')}
        {connection === 'outdated' && (
          <>
            {t('conn.outdated')}{' '}
            <button type="button" onClick={() => location.reload()}>
              {t('conn.reload')}
            </button>
          </>
        )}
      </p>
      <main>
        <SignIn />
        <ConnectionCheck />
      </main>
    </div>
  );
}
