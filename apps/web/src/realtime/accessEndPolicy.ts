import type { AccessEndReason } from '@tsudoi/protocol';

/**
 * Why a workspace page lost its socket for good — socket.io does not reconnect after any of these: the
 * server said why (`access:ended`), refused a (re)connect at the handshake, or disconnected it silently.
 */
export type SocketEnd =
  | { kind: 'accessEnded'; reason: AccessEndReason }
  | { kind: 'refused'; code: RefusalCode }
  | { kind: 'dropped' };

/** Handshake refusals that end a workspace page (the others are retried or answered otherwise). */
export const ENDING_REFUSALS = [
  'UNAUTHENTICATED',
  'NOT_FOUND',
  'IP_NOT_ALLOWED',
  'SSO_REQUIRED',
  'SSO_SESSION_ELSEWHERE',
] as const;
export type RefusalCode = (typeof ENDING_REFUSALS)[number];

/** Ends of this workspace only: the session, and the person's other workspaces, go on. */
const WORKSPACE_ENDS = ['removed', 'disabled', 'ipNotAllowed', 'workspaceClosed', 'ssoRequired'] as const;
type WorkspaceEnd = (typeof WORKSPACE_ENDS)[number];

/** This workspace only: the session, and the person's other workspaces, go on. */
export type WorkspaceLoss = WorkspaceEnd | 'noAccess' | 'ssoElsewhere';
/** The session ended: every workspace goes, the sign-in screen explains why. */
export type SessionLoss = Exclude<AccessEndReason, WorkspaceEnd>;

const endsWorkspace = (reason: AccessEndReason): reason is WorkspaceEnd =>
  (WORKSPACE_ENDS as readonly string[]).includes(reason);

/** What the page does: leave the workspace, leave the session, or first ask the server which. */
export type AccessOutcome =
  | { leave: 'workspace'; reason: WorkspaceLoss }
  | { leave: 'session'; reason: SessionLoss }
  | { leave: 'unknown' };

/** Pure: the outcome of a socket end. */
export function accessOutcome(end: SocketEnd): AccessOutcome {
  switch (end.kind) {
    case 'accessEnded':
      return endsWorkspace(end.reason)
        ? { leave: 'workspace', reason: end.reason }
        : { leave: 'session', reason: end.reason };
    case 'refused':
      switch (end.code) {
        case 'NOT_FOUND':
          return { leave: 'workspace', reason: 'noAccess' };
        case 'IP_NOT_ALLOWED':
          return { leave: 'workspace', reason: 'ipNotAllowed' };
        case 'SSO_REQUIRED':
          return { leave: 'workspace', reason: 'ssoRequired' };
        case 'SSO_SESSION_ELSEWHERE':
          return { leave: 'workspace', reason: 'ssoElsewhere' };
      }
      return { leave: 'session', reason: 'sessionEnded' }; // UNAUTHENTICATED
    case 'dropped':
      return { leave: 'unknown' };
  }
}

/**
 * Pure: a silent disconnect explained by what the server says now (`/api/session`): no session → it
 * ended; the workspace missing from the list → access to it ended; otherwise nothing is known to have
 * ended (undefined: the page stays, showing the connection as refused).
 */
export function explainDrop(signedIn: boolean, workspaceListed: boolean): AccessOutcome | undefined {
  if (!signedIn) return { leave: 'session', reason: 'sessionEnded' };
  if (!workspaceListed) return { leave: 'workspace', reason: 'noAccess' };
  return undefined;
}
