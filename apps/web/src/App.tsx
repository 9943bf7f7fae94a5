import { useEffect } from 'react';
import { useT } from './i18n/useT';
import { getSocket, retryWorkspaceSocket } from './realtime/socket';
import { match, navigate, useRoute } from './routing/router';
import { AccessNotice } from './screens/AccessNotice';
import { Account } from './screens/Account';
import { ConnectionCheck } from './screens/ConnectionCheck';
import { Invitation } from './screens/Invitation';
import { ForgotPassword, ResetPassword } from './screens/PasswordReset';
import { OtpForm, SignIn } from './screens/SignIn';
import { SignUp, VerifyEmail } from './screens/SignUp';
import { WorkspaceHome } from './screens/WorkspaceHome';
import { Workspaces } from './screens/Workspaces';
import { sessionActions, useSession } from './state/session';
import { useAppStore } from './state/store';

function ConnectionStatus() {
  const t = useT();
  const connection = useAppStore((s) => s.connection);
  return (
    <p role="status" data-testid="connection" data-state={connection} className={`conn ${connection}`}>
      {connection === 'online' && t('conn.online')}
      {connection === 'connecting' && t('conn.offline')}
      {connection === 'refused' && t('conn.refused')}
      {connection === 'tooMany' && (
        <>
          {t('conn.tooMany')}{' '}
          <button type="button" onClick={retryWorkspaceSocket}>
            {t('conn.retry')}
          </button>
        </>
      )}
      {connection === 'outdated' && (
        <>
          {t('conn.outdated')}{' '}
          <button type="button" onClick={() => location.reload()}>
            {t('conn.reload')}
          </button>
        </>
      )}
    </p>
  );
}

/** Picks the screen for the current path and session. */
function Screen() {
  const path = useRoute((r) => r.path);
  const session = useSession();
  const invite = match('/invite/:token', path);
  if (invite) return <Invitation token={invite.token!} />;
  if (path === '/verify') return <VerifyEmail />;
  if (path === '/reset-password') return <ResetPassword />;
  if (session.status === 'loading') return null;
  if (session.status === 'otp') return <OtpForm email={session.email} />;
  if (session.status === 'signed-out') {
    if (path === '/forgot') return <ForgotPassword />;
    return path === '/signup' ? (
      <SignUp />
    ) : (
      <>
        <SignIn />
        <ConnectionCheck />
      </>
    );
  }
  if (session.info.passwordExpired || path === '/account')
    return <Account expired={session.info.passwordExpired} />;
  const ws = match('/w/:id', path);
  if (ws) return <WorkspaceHome workspaceId={ws.id!} />;
  return (
    <>
      <Workspaces />
      <ConnectionCheck />
    </>
  );
}

export function App() {
  const t = useT();
  const lang = useAppStore((s) => s.lang);
  const setLang = useAppStore((s) => s.setLang);
  const session = useSession();
  useEffect(() => {
    getSocket();
    void sessionActions.load();
  }, []);
  return (
    <div className="app">
      <header>
        <h1>
          <a
            href="/"
            onClick={(e) => {
              e.preventDefault();
              navigate('/');
            }}
          >
            Tsudoi
          </a>
        </h1>
        <p className="tagline">{t('app.tagline')}</p>
        <nav className="row">
          {session.status === 'signed-in' && (
            <>
              <span className="muted">{session.info.user.displayName}</span>
              <button type="button" className="link" onClick={() => navigate('/')}>
                {t('nav.workspaces')}
              </button>
              <button type="button" className="link" onClick={() => navigate('/account')}>
                {t('nav.account')}
              </button>
              <button
                type="button"
                className="link"
                onClick={() => void sessionActions.signout().then(() => navigate('/'))}
              >
                {t('nav.signout')}
              </button>
            </>
          )}
          <button type="button" className="link" onClick={() => setLang(lang === 'ja' ? 'en' : 'ja')}>
            {t('lang.switch')}
          </button>
        </nav>
      </header>
      <ConnectionStatus />
      <main>
        <AccessNotice />
        <Screen />
      </main>
    </div>
  );
}
