import type { AccessEndReason } from '@tsudoi/protocol';

/**
 * Why a workspace page lost its socket for good — socket.io does not reconnect after any of these: the
 * server said why (`access:ended`), refused a (re)connect at the handshake, or disconnected it silently.
 */
export type SocketEnd =
  | { kind: 'accessEnded'; reason: AccessEndReason }
  | { kind: 'refused'; code: 'UNAUTHENTICATED' | 'NOT_FOUND' | 'IP_NOT_ALLOWED' }
  | { kind: 'dropped' };

/** This workspace only: the session, and the person's other workspaces, go on. */
export type WorkspaceLoss = 'removed' | 'disabled' | 'ipNotAllowed' | 'workspaceClosed' | 'noAccess';
/** The session ended: every workspace goes, the sign-in screen explains why. */
export type SessionLoss = Exclude<
  AccessEndReason,
  'removed' | 'disabled' | 'ipNotAllowed' | 'workspaceClosed'
>;

/** What the page does: leave the workspace, leave the session, or first ask the server which. */
export type AccessOutcome =
  | { leave: 'workspace'; reason: WorkspaceLoss }
  | { leave: 'session'; reason: SessionLoss }
  | { leave: 'unknown' };

/** Pure: the outcome of a socket end. */
export function accessOutcome(end: SocketEnd): AccessOutcome {
  switch (end.kind) {
    case 'accessEnded':
      return end.reason === 'removed' ||
        end.reason === 'disabled' ||
        end.reason === 'ipNotAllowed' ||
        end.reason === 'workspaceClosed'
        ? { leave: 'workspace', reason: end.reason }
        : { leave: 'session', reason: end.reason };
    case 'refused':
      if (end.code === 'NOT_FOUND') return { leave: 'workspace', reason: 'noAccess' };
      if (end.code === 'IP_NOT_ALLOWED') return { leave: 'workspace', reason: 'ipNotAllowed' };
      return { leave: 'session', reason: 'sessionEnded' };
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
