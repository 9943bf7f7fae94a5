import { useEffect } from 'react';
import { useT } from './i18n/useT';
import { getSocket } from './realtime/socket';
import { match, navigate, useRoute } from './routing/router';
import { AccessNotice } from './screens/AccessNotice';
import { Account } from './screens/Account';
import { ConnectionCheck } from './screens/ConnectionCheck';
import { MaintenanceBanner } from './screens/common/MaintenanceBanner';
import { Invitation } from './screens/Invitation';
import { ForgotPassword, ResetPassword } from './screens/PasswordReset';
import { SessionUnreachable } from './screens/SessionUnreachable';
import { OtpForm, SignIn } from './screens/SignIn';
import { SignUp, VerifyEmail } from './screens/SignUp';
import { ConnectionState } from './screens/shell/ConnectionState';
import { WorkspaceHome } from './screens/WorkspaceHome';
import { Workspaces } from './screens/Workspaces';
import { sessionActions, useSession } from './state/session';
import { useAppStore } from './state/store';

/** `/w/:id` and `/w/:id/settings/...` are the workspace shell's pages. */
const workspaceOf = (path: string): string | undefined =>
  match('/w/:id', path)?.id ?? /^\/w\/([^/]+)\/settings(\/[^/]+)?$/.exec(path)?.[1];

/** Picks the screen for the current path and session. */
function Screen() {
  const path = useRoute((r) => r.path);
  const session = useSession();
  const invite = match('/invite/:token', path);
  if (invite) return <Invitation token={invite.token!} />;
  if (path === '/verify') return <VerifyEmail />;
  if (path === '/reset-password') return <ResetPassword />;
  if (session.status === 'loading') return null;
  if (session.status === 'unreachable') return <SessionUnreachable />;
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
  const ws = workspaceOf(path);
  if (ws) return <WorkspaceHome workspaceId={ws} />;
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
  const path = useRoute((r) => r.path);
  useEffect(() => {
    getSocket();
    void sessionActions.start();
  }, []);
  // A workspace page fills the window with its own header (the app shell).
  const shellWs = workspaceOf(path);
  if (shellWs && session.status === 'signed-in' && !session.info.passwordExpired)
    return <WorkspaceHome workspaceId={shellWs} />;
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
      <ConnectionState />
      <main>
        <MaintenanceBanner />
        <AccessNotice />
        <Screen />
      </main>
    </div>
  );
}
