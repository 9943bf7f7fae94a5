import type { AccessEndReason } from '@tsudoi/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { SessionEnded, SessionEndReason, SessionService } from '../auth/sessionService.js';
import type { Presence } from '../presence/presenceTracker.js';
import type { Floors } from '../rooms/floors.js';
import type { MembershipEnded, RulesChanged, WorkspaceAccess } from '../workspaces/access.js';
import type { AccessRefusalReason } from '../workspaces/accessDecision.js';
import { channels, type SocketIdentity, type TsudoiServer, type TsudoiSocket } from './types.js';

export interface AccessRelayDeps {
  access: WorkspaceAccess;
  sessions: SessionService;
  presence: Presence;
  floors: Floors;
  log: FastifyBaseLogger;
}

/** What the person is told (`access:ended`) when their session ends for `reason`. */
export function accessEndReason(reason: SessionEndReason): AccessEndReason {
  switch (reason) {
    case 'signedOut':
      return 'signedOut';
    case 'expired':
    case 'idle':
      return 'sessionExpired';
    case 'passwordChanged':
      return 'passwordChanged';
    case 'adminSignedOut':
      return 'signedOutByAdmin';
    // Their last active membership was disabled: that is what ended the session.
    case 'membershipDisabled':
      return 'disabled';
    case 'revoked':
      return 'sessionEnded';
  }
}

/** What the person is told when a workspace's access decision, taken again, refuses their open socket. */
export function refusalEndReason(reason: AccessRefusalReason): AccessEndReason {
  switch (reason) {
    case 'ipNotAllowed':
      return 'ipNotAllowed';
    case 'sessionEnded':
      return 'sessionEnded';
    case 'membershipDisabled':
      return 'disabled';
    case 'workspaceClosed':
      return 'workspaceClosed';
    case 'ssoRequired':
      return 'ssoRequired';
    default:
      return 'removed';
  }
}

/** Tells the socket why (best effort, sent ahead of the disconnect packet) and disconnects it. */
function end(s: { emit: TsudoiServer['emit']; disconnect(close: boolean): void }, reason: AccessEndReason) {
  s.emit('access:ended', { reason });
  s.disconnect(true);
}

/**
 * Obeys the domains' "access ended" events on the sockets of this process (ASVS V7.4, V8.2): a
 * membership that ended disconnects that person's sockets of that workspace only; a session that ended
 * disconnects that session's sockets (or all of the user's, when every session ended). The person then
 * leaves the floor at once — their room (which closes their media there) and their presence, without
 * the reconnect grace period. Nothing here decides who loses access; it only carries it out.
 * Returns the unsubscribe for shutdown.
 */
export function accessRelay(io: TsudoiServer, d: AccessRelayDeps): () => void {
  /** Off the floor now: out of their room (media closes with it) and offline without grace. */
  const leaveFloor = (workspaceId: string, userId: string) => {
    d.floors
      .leaveCurrent(workspaceId, userId, 'accessEnded')
      .catch((err) => d.log.error({ err }, 'taking a person off the shared floor failed'));
    d.presence.signOut(workspaceId, userId);
  };

  /**
   * Whether the person keeps a page on this workspace's floor on any node, besides the sockets just ended
   * (`ended`: their ids; a socket on another node leaves its channels only once that node has been told).
   * Another session of theirs, possibly on another node, keeps them in their room and online.
   */
  const keepsAPage = async (workspaceId: string, userId: string, ended: ReadonlySet<string>) =>
    (await io.in(channels.person(workspaceId, userId)).fetchSockets()).some((s) => !ended.has(s.id));

  const onMembershipEnded = async (e: MembershipEnded) => {
    // All of the user's sockets are in their user channel from the start; only this workspace's go.
    for (const s of await io.in(channels.user(e.userId)).fetchSockets())
      if (s.data.identity?.workspaceId === e.workspaceId) end(s, e.reason);
    leaveFloor(e.workspaceId, e.userId);
  };

  // The rules changed (an IP allow-list): every open socket of that workspace is decided again, with the
  // address it connected from; the refused ones end now, as a removal would.
  const onRulesChanged = async (e: RulesChanged) => {
    const refused = new Set<string>();
    const ended = new Set<string>();
    for (const s of await io.fetchSockets()) {
      const id = s.data.identity;
      if (id?.workspaceId !== e.workspaceId) continue;
      const { verdict } = await d.access.decide(
        { userId: id.user.id, session: id.session, clientIp: id.origin.ip, via: 'socket' },
        e.workspaceId,
      );
      if (verdict.allow) continue;
      end(s, refusalEndReason(verdict.reason));
      refused.add(id.user.id);
      ended.add(s.id);
    }
    for (const userId of refused)
      if (!(await keepsAPage(e.workspaceId, userId, ended))) leaveFloor(e.workspaceId, userId);
  };

  const onSessionEnded = async (e: SessionEnded) => {
    const room = e.sessionId ? channels.session(e.sessionId) : channels.user(e.userId);
    const sockets = await io.in(room).fetchSockets();
    const workspaces = new Set<string>();
    for (const s of sockets) {
      const ws = s.data.identity?.workspaceId;
      if (ws) workspaces.add(ws);
      end(s, accessEndReason(e.reason));
    }
    // The person stays on a floor only while another session of theirs is connected to it (on any node).
    const ended = new Set(sockets.map((s) => s.id));
    for (const ws of workspaces) if (!(await keepsAPage(ws, e.userId, ended))) leaveFloor(ws, e.userId);
  };

  const offs = [
    d.access.subscribe('membershipEnded', (e) => {
      onMembershipEnded(e).catch((err) => d.log.error({ err }, 'ending a membership’s sockets failed'));
    }),
    d.access.subscribe('rulesChanged', (e) => {
      onRulesChanged(e).catch((err) => d.log.error({ err }, 'deciding a workspace’s sockets again failed'));
    }),
    d.sessions.subscribe('ended', (e) => {
      onSessionEnded(e).catch((err) => d.log.error({ err }, 'ending a session’s sockets failed'));
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}

/**
 * Binds a workspace socket to its session and membership before anything else happens on it: it joins
 * the channels the relay disconnects by, holds its session (an open socket counts as use; the absolute
 * expiry still ends it), and checks access once more — access that ended between the handshake's check
 * and this join would otherwise be missed.
 */
export function bindSocketAccess(
  socket: TsudoiSocket,
  id: SocketIdentity,
  d: Pick<AccessRelayDeps, 'access' | 'sessions'>,
): void {
  // Only channels nothing else emits to: the person and workspace channels are joined with the snapshot.
  socket.join([channels.session(id.session.id), channels.user(id.user.id)]);
  socket.once('disconnect', d.sessions.hold(id.session));
  Promise.all([
    d.sessions.isLive(id.session.id),
    d.access.decide(
      { userId: id.user.id, session: id.session, clientIp: id.origin.ip, via: 'socket' },
      id.workspaceId,
    ),
  ]).then(
    ([live, { verdict }]) => {
      // The session is known to be over; a refused membership is left to the client to find out.
      if (!live) end(socket, 'sessionEnded');
      else if (!verdict.allow) socket.disconnect(true);
    },
    (err) => {
      socket.data.log?.error({ err }, 'access re-check failed');
      socket.disconnect(true);
    },
  );
}
