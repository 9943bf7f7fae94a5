import type { EventEmitter } from 'node:events';
import type http from 'node:http';
import { ClientPayloads, PROTOCOL_VERSION } from '@tsudoi/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { Server, type ServerOptions } from 'socket.io';
import type { AuditLog } from '../audit/auditLog.js';
import type { SecurityEvents } from '../audit/securityEvents.js';
import type { MembershipRepo } from '../auth/accountStore.js';
import type { SessionService } from '../auth/sessionService.js';
import { type ChatRepos, ChatService, type MessageImages } from '../chat/chatService.js';
import type { Clock } from '../clock.js';
import type { TrustFn } from '../http/clientIp.js';
import type { OriginPolicy } from '../http/origins.js';
import { CheckAdmission, type CheckLimits, DEFAULT_CHECK_LIMITS } from '../media/checkAdmission.js';
import type { MediaNetwork } from '../media/mediaNetworkConfig.js';
import { MediaService } from '../media/mediaService.js';
import type { RtcListenOptions } from '../media/transports.js';
import { checkIceSettings, iceSettingsFor } from '../media/turnCredentials.js';
import type { MediaWorkerPool } from '../media/workerPool.js';
import type { Presence } from '../presence/presenceTracker.js';
import type { PurgedConversation } from '../retention/purger.js';
import type { RetentionScheduler } from '../retention/scheduler.js';
import type { Floors } from '../rooms/floors.js';
import type { SharedLimits } from '../scaling/sharedLimits.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import { accessRelay, bindSocketAccess } from './accessRelay.js';
import { registerChatHandlers } from './chatHandlers.js';
import { registerConnectionCheck } from './connectionCheckHandlers.js';
import { floorFanout } from './floorFanout.js';
import { registerFloorHandlers } from './floorHandlers.js';
import { FloorSnapshots } from './floorSnapshots.js';
import { handle, reportRateLimits, useLimiter } from './handle.js';
import { registerMediaHandlers } from './mediaHandlers.js';
import { MemberDirectory } from './memberDirectory.js';
import { engineOriginCheck, handshakeGuard, recordRefusals } from './originCheck.js';
import { PersonRateLimits, SocketRateLimiter } from './rateLimit.js';
import { socketAuth } from './socketAuth.js';
import {
  addressHandshakes,
  type CapRefusal,
  DEFAULT_SOCKET_LIMITS,
  type SocketLimits,
  socketCap,
} from './socketCap.js';
import { channels, type TsudoiServer, type TsudoiSocket } from './types.js';

export interface GatewayDeps {
  log: FastifyBaseLogger;
  pool: MediaWorkerPool;
  media: MediaService;
  rtc: RtcListenOptions & MediaNetwork;
  /** Messages and memberships (chat's names, the floor's people). */
  repos: ChatRepos & { memberships: Pick<MembershipRepo, 'listByWorkspace'> };
  /** Uploaded images a message takes as attachments (R16); without it messages carry text only. */
  images?: MessageImages;
  sessions: SessionService;
  /** The one access decision; its `membershipEnded` and the sessions' `ended` disconnect sockets. */
  access: WorkspaceAccess;
  floors: Floors;
  presence: Presence;
  audit: AuditLog;
  clock: Clock;
  retention: Pick<RetentionScheduler, 'purgeConversationNow'>;
  /** Emits every purge (01:00 job or room emptied) so open clients drop those messages. */
  purges: EventEmitter<{ purged: [PurgedConversation] }>;
  /** Bounds on clients: connection checks, sockets and handshakes per person and address (defaults when absent). */
  limits?: { check: CheckLimits } & Partial<SocketLimits>;
  /** Which peers may set X-Forwarded-For (TRUST_PROXY); http/clientIp.ts. */
  trust: TrustFn;
  /** Web origins that may open sockets (PUBLIC_URL, ALLOWED_ORIGINS; own origin without PUBLIC_URL). */
  allowedOrigins: () => OriginPolicy;
  /** Refused handshakes (and other refusals) go to the operator and access logs. */
  securityEvents: SecurityEvents;
  /** The session cookie's name (`cookieName('session', secure)`: `__Host-` in production). */
  sessionCookie: string;
  /** Several nodes: handshake, tab, event and check limits counted in Redis (scaling/redisLimits.ts). */
  sharedLimits?: SharedLimits;
  /**
   * Several nodes (scaling/scaling.ts): the socket.io adapter that carries emits to the other nodes, and
   * floor/presence pushed from each node's mirror to its own sockets. Absent on one node.
   */
  nodes?: { adapter: ServerOptions['adapter'] };
}

/** socket.io on the HTTP server: handshake checks, then the handler set that fits the socket. */
export function createGateway(
  httpServer: http.Server,
  d: GatewayDeps,
): { io: TsudoiServer; close(): Promise<void> } {
  const io: TsudoiServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: 256 * 1024,
    pingInterval: 10_000,
    pingTimeout: 10_000,
    allowRequest: engineOriginCheck(d), // no engine session for a foreign Origin
    ...(d.nodes ? { adapter: d.nodes.adapter } : {}),
  });
  const socketLimits: SocketLimits = { ...DEFAULT_SOCKET_LIMITS, ...d.limits };
  const capRefused = (socket: TsudoiSocket, reason: CapRefusal) =>
    d.securityEvents.record({
      ...who(socket),
      type: 'handshake_refused',
      detail: { reason, code: 'TOO_MANY_CONNECTIONS' },
    });
  io.use(handshakeGuard(d)); // first: client IP, Origin
  // Handshakes per client address, before any session lookup.
  io.use(addressHandshakes(socketLimits.handshakesPerIpPerMinute, capRefused, undefined, d.sharedLimits));
  io.use(recordRefusals(socketAuth(d.access, d.sessions, d.sessionCookie), d.securityEvents));
  // Last handshake check: counts only sockets that every other check accepted.
  io.use(socketCap(socketLimits, capRefused, undefined, d.sharedLimits));
  // Event budgets per person, shared by their sockets and kept over reconnects.
  const people = new PersonRateLimits(undefined, undefined, d.sharedLimits);
  const checks = new CheckAdmission(
    d.limits?.check ?? DEFAULT_CHECK_LIMITS,
    () => d.clock().getTime(),
    d.sharedLimits,
  );
  const stopFanout = floorFanout(io, d.floors, d.presence, d.media, d.audit, d.nodes !== undefined);
  // Each connecting socket's floor snapshot lists the workspace's members: read once for a rush of them.
  const members = new MemberDirectory(d.repos.memberships);
  const forgetMembers = (e: { workspaceId: string }) => members.forget(e.workspaceId);
  const stopMembers = [
    d.access.subscribe('membershipEnded', forgetMembers),
    d.access.subscribe('membershipStarted', forgetMembers),
  ];
  // Sockets connecting together get one snapshot, encoded once (floorSnapshots.ts).
  const snapshots = new FloorSnapshots(async (ws) => d.floors.snapshot(ws, await members.list(ws)), {
    send: (socketIds, snapshot) => io.local.to([...socketIds]).emit('floor:snapshot', snapshot),
  });
  const chat = new ChatService(
    d.repos,
    d.floors,
    d.clock,
    {
      message: (ws, to, m) => io.to(to.map((u) => channels.person(ws, u))).emit('chat:message', m),
      thread: (ws, userId, t) => io.to(channels.person(ws, userId)).emit('thread:updated', t),
    },
    d.images,
  );
  // R6: when the last person leaves a room, its messages go at once.
  const stopRoomEmpty = d.floors.subscribe('roomEmpty', (e) => {
    if (e.remote) return; // several nodes: emptied by another node, which purges
    d.retention
      .purgeConversationNow(e.workspaceId, e.roomId)
      .catch((err) => d.log.error({ err }, 'room purge failed'));
  });
  const onPurged = (p: PurgedConversation) =>
    io.to(channels.workspace(p.workspaceId)).emit('chat:purged', {
      conversationId: p.conversationId,
      ...(p.upTo ? { upTo: p.upTo } : {}),
    });
  d.purges.on('purged', onPurged);
  // Ended sessions and memberships disconnect their sockets at once (and take the person off the floor).
  const stopAccess = accessRelay(io, d);

  io.on('connection', (socket) => {
    socket.data.log = d.log.child({ socket: socket.id, ip: socket.data.clientIp });
    const me = socket.data.identity;
    if (me)
      useLimiter(
        socket,
        new SocketRateLimiter(undefined, undefined, undefined, (eventClass, now) =>
          people.take(me.workspaceId, me.user.id, eventClass, now),
        ),
      );
    socket.emit('server:hello', { protocolVersion: PROTOCOL_VERSION, serverTime: new Date().toISOString() });
    handle(socket, 'ping', ClientPayloads.ping, () => ({ serverTime: new Date().toISOString() }));
    reportRateLimits(socket, (r) =>
      d.securityEvents.record({
        ...who(socket),
        type: 'rate_limited',
        detail: { socketEvent: r.event, eventClass: r.eventClass, disconnected: r.disconnected },
      }),
    );
    registerConnectionCheck(socket, {
      pool: d.pool,
      rtc: d.rtc,
      admission: checks,
      clientIp: socket.data.clientIp,
      ice: (lifetimeMs) => checkIceSettings(d.rtc, lifetimeMs, d.clock().getTime()),
      onRefused: (r) => d.securityEvents.record({ ...who(socket), type: 'check_refused', detail: { ...r } }),
    });
    const id = socket.data.identity;
    if (!id) return;
    bindSocketAccess(socket, id, d);
    registerMediaHandlers(socket, {
      media: d.media,
      ice: (peerId) => iceSettingsFor(d.rtc, peerId, d.clock().getTime()),
      resolvePeer: () => {
        const room = d.floors.peek(id.workspaceId)?.floor.roomOf(id.user.id);
        const me = room?.participants.get(id.user.id);
        if (!room || !me) return undefined;
        return {
          roomKey: MediaService.roomKey(id.workspaceId, room.id),
          peerId: id.user.id,
          listenOnly: me.listenOnly,
        };
      },
    });
    registerChatHandlers(socket, id, chat);
    registerFloorHandlers(socket, id, {
      snapshots,
      floors: d.floors,
      presence: d.presence,
      access: d.access,
      audit: d.audit,
    }).catch((err) => {
      socket.data.log?.error({ err }, 'floor setup failed');
      socket.disconnect(true);
    });
  });

  return {
    io,
    close: () =>
      new Promise<void>((resolve) => {
        stopFanout();
        stopRoomEmpty();
        d.purges.off('purged', onPurged);
        stopAccess();
        for (const stop of stopMembers) stop();
        members.close();
        // io.close() also closes the HTTP server.
        io.close(() => resolve());
      }),
  };
}

/** Who a socket is, for a security event (IP by the TRUST_PROXY rule; workspace and user when signed in). */
function who(socket: TsudoiSocket) {
  const id = socket.data.identity;
  return {
    ip: socket.data.clientIp,
    userAgent: socket.handshake.headers['user-agent'] ?? null,
    ...(id ? { workspaceId: id.workspaceId, userId: id.user.id } : {}),
  };
}
