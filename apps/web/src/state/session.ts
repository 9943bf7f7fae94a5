import type { SessionInfo, SigninResult } from '@tsudoi/protocol';
import { create } from 'zustand';
import { ApiError, api } from '../api/http';

type SessionState =
  | { status: 'loading' }
  /** The first look at the session failed (server restarting, network down): shown with a retry. */
  | { status: 'unreachable' }
  | { status: 'signed-out' }
  | { status: 'otp'; email: string; expiresAt: string }
  | { status: 'signed-in'; info: SessionInfo };

/** Who is signed in; fed by the HTTP API. */
export const useSession = create<SessionState>()(() => ({ status: 'loading' }));

/**
 * The code step of a sign-in in progress, kept for this tab: a reload (or a page that reloads, like the
 * invitation page) returns to the code field instead of losing the attempt. The challenge itself stays in
 * its HttpOnly cookie; this only remembers which address the code went to and until when.
 */
const PENDING_OTP = 'tsudoi.pendingOtp';
type PendingOtp = { email: string; expiresAt: string };

function rememberOtp(otp: PendingOtp | null): void {
  try {
    if (otp) sessionStorage.setItem(PENDING_OTP, JSON.stringify(otp));
    else sessionStorage.removeItem(PENDING_OTP);
  } catch {
    // Storage refused (private mode): a reload just starts the sign-in again.
  }
}

function pendingOtp(): PendingOtp | null {
  try {
    const v = JSON.parse(sessionStorage.getItem(PENDING_OTP) ?? 'null') as Partial<PendingOtp> | null;
    if (
      typeof v?.email === 'string' &&
      typeof v.expiresAt === 'string' &&
      Date.parse(v.expiresAt) > Date.now()
    )
      return { email: v.email, expiresAt: v.expiresAt };
  } catch {
    // Unreadable: treated as none.
  }
  rememberOtp(null);
  return null;
}

/**
 * An IdP sign-in that also needs the email code comes back as `/signin?sso_code=<expiresAt>&email=<address>`
 * (its attempt is in the HttpOnly cookie the ACS set): the code step, remembered like a password sign-in's,
 * and the parameters taken out of the address bar.
 */
function ssoCodeStep(): PendingOtp | null {
  const q = new URLSearchParams(window.location.search);
  const expiresAt = q.get('sso_code');
  const email = q.get('email');
  if (!expiresAt || !email) return null;
  q.delete('sso_code');
  q.delete('email');
  const rest = q.toString();
  window.history.replaceState(
    window.history.state,
    '',
    `${window.location.pathname}${rest ? `?${rest}` : ''}`,
  );
  if (!(Date.parse(expiresAt) > Date.now())) return null;
  rememberOtp({ email, expiresAt });
  return { email, expiresAt };
}

let signingOut = false;
/** True while this tab signs out: the server's "signed out" that follows is this tab's own doing. */
export const isSigningOut = (): boolean => signingOut;

export const sessionActions = {
  /**
   * The page's first look at the session. A failure other than "not signed in" leaves the page
   * `unreachable` (it says so and tries again) instead of blank.
   */
  async start(): Promise<void> {
    try {
      await sessionActions.load();
    } catch {
      useSession.setState({ status: 'unreachable' }, true);
    }
  },
  async load(): Promise<void> {
    try {
      const info = await api<SessionInfo>('GET', '/api/session');
      rememberOtp(null);
      useSession.setState({ status: 'signed-in', info }, true);
    } catch (err) {
      if (err instanceof ApiError && err.body.code === 'UNAUTHENTICATED') {
        const otp = ssoCodeStep() ?? pendingOtp();
        useSession.setState(otp ? { status: 'otp', ...otp } : { status: 'signed-out' }, true);
      } else throw err;
    }
  },
  /** `invitation`: signing in on that invitation's page (a confirmation link sent again leads back to it). */
  async signin(email: string, password: string, invitation?: string): Promise<void> {
    const r = await api<SigninResult>('POST', '/api/auth/signin', {
      email,
      password,
      ...(invitation ? { invitation } : {}),
    });
    if (r.next === 'otp') {
      rememberOtp({ email, expiresAt: r.expiresAt });
      useSession.setState({ status: 'otp', email, expiresAt: r.expiresAt }, true);
    } else useSession.setState({ status: 'signed-in', info: r.session }, true);
  },
  async verifyCode(code: string): Promise<void> {
    const r = await api<{ session: SessionInfo }>('POST', '/api/auth/otp/verify', { code });
    rememberOtp(null);
    useSession.setState({ status: 'signed-in', info: r.session }, true);
  },
  restart(): void {
    rememberOtp(null);
    useSession.setState({ status: 'signed-out' }, true);
  },
  async signout(): Promise<void> {
    signingOut = true;
    try {
      await api('POST', '/api/auth/signout', {});
      rememberOtp(null);
      useSession.setState({ status: 'signed-out' }, true);
    } finally {
      signingOut = false;
    }
  },
  /** Drops a workspace this user lost access to from the list at once (the server no longer lists it). */
  forgetWorkspace(workspaceId: string): void {
    const s = useSession.getState();
    if (s.status !== 'signed-in') return;
    const workspaces = s.info.workspaces.filter((w) => w.id !== workspaceId);
    useSession.setState({ status: 'signed-in', info: { ...s.info, workspaces } }, true);
  },
};
