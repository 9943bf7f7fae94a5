import type { SessionInfo, SigninResult } from '@tsudoi/protocol';
import { create } from 'zustand';
import { ApiError, api } from '../api/http';

type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out' }
  | { status: 'otp'; email: string; expiresAt: string }
  | { status: 'signed-in'; info: SessionInfo };

/** Who is signed in; fed by the HTTP API. */
export const useSession = create<SessionState>()(() => ({ status: 'loading' }));

let signingOut = false;
/** True while this tab signs out: the server's "signed out" that follows is this tab's own doing. */
export const isSigningOut = (): boolean => signingOut;

export const sessionActions = {
  async load(): Promise<void> {
    try {
      const info = await api<SessionInfo>('GET', '/api/session');
      useSession.setState({ status: 'signed-in', info }, true);
    } catch (err) {
      if (err instanceof ApiError && err.body.code === 'UNAUTHENTICATED')
        useSession.setState({ status: 'signed-out' }, true);
      else throw err;
    }
  },
  async signin(email: string, password: string): Promise<void> {
    const r = await api<SigninResult>('POST', '/api/auth/signin', { email, password });
    if (r.next === 'otp') useSession.setState({ status: 'otp', email, expiresAt: r.expiresAt }, true);
    else useSession.setState({ status: 'signed-in', info: r.session }, true);
  },
  async verifyCode(code: string): Promise<void> {
    const r = await api<{ session: SessionInfo }>('POST', '/api/auth/otp/verify', { code });
    useSession.setState({ status: 'signed-in', info: r.session }, true);
  },
  restart(): void {
    useSession.setState({ status: 'signed-out' }, true);
  },
  async signout(): Promise<void> {
    signingOut = true;
    try {
      await api('POST', '/api/auth/signout', {});
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
