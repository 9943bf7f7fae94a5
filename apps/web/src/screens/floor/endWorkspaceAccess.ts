import { flushSync } from 'react-dom';
import {
  type AccessOutcome,
  accessOutcome,
  explainDrop,
  type SocketEnd,
} from '../../realtime/accessEndPolicy';
import { closeWorkspaceSocket } from '../../realtime/socket';
import { navigate } from '../../routing/router';
import { accessNoticeActions } from '../../state/accessNotice';
import { floorActions } from '../../state/floorSlice';
import { isSigningOut, sessionActions, useSession } from '../../state/session';

const listed = (workspaceId: string) => {
  const s = useSession.getState();
  return s.status === 'signed-in' ? s.info.workspaces.find((w) => w.id === workspaceId) : undefined;
};

/** A silent disconnect: what the server says now decides (undefined: nothing known to have ended). */
async function askServer(workspaceId: string): Promise<AccessOutcome | undefined> {
  try {
    await sessionActions.load();
  } catch {
    return undefined; // the server cannot be reached: nothing is known to have ended
  }
  return explainDrop(useSession.getState().status === 'signed-in', listed(workspaceId) !== undefined);
}

/**
 * The page's answer when its workspace socket is gone for good (it does not reconnect): the socket closes
 * and the floor empties at once — the room session then closes its media client, which releases the
 * camera and microphone — and the person lands either on the workspace list with "You no longer have
 * access to …" (their other workspaces go on) or on the sign-in screen saying why the session ended.
 */
export async function endWorkspaceAccess(workspaceId: string, end: SocketEnd): Promise<void> {
  const name = listed(workspaceId)?.name ?? null;
  let outcome = accessOutcome(end);
  if (outcome.leave === 'unknown') {
    const known = await askServer(workspaceId);
    // Still signed in and a member: the page stays (the status line shows the connection refused).
    if (!known || known.leave === 'unknown') return;
    outcome = known;
  }
  // What the person sees first, rendered on its own before the heavier work below: the notice. Then the
  // media goes (socket closed, floor emptied: the room session closes its client and the tracks stop),
  // and only then the page itself changes (a larger render).
  const selfInflicted = outcome.leave === 'session' && outcome.reason === 'signedOut' && isSigningOut();
  if (outcome.leave === 'workspace') {
    const reason = outcome.reason;
    flushSync(() => accessNoticeActions.show({ path: '/', kind: 'workspace', workspace: name, reason }));
  } else if (!selfInflicted) {
    // This tab's own sign-out needs no explaining; any other end of the session does.
    const reason = outcome.reason;
    flushSync(() => accessNoticeActions.show({ path: location.pathname, kind: 'session', reason }));
  }
  closeWorkspaceSocket();
  floorActions.reset();
  if (outcome.leave === 'workspace') {
    sessionActions.forgetWorkspace(workspaceId);
    navigate('/', true);
    // The list as the server has it now (a last active membership disabled also ended the session).
    void sessionActions.load().catch(() => {});
    return;
  }
  sessionActions.restart();
  void sessionActions.load().catch(() => {});
}
