import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents } from '@tsudoi/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Server, Socket } from 'socket.io';
import type { RequestOrigin } from '../audit/auditLog.js';
import type { Role, Session, User } from '../auth/accountStore.js';

/** Who a workspace socket belongs to; set by the handshake, fixed for the socket's life. */
export interface SocketIdentity {
  user: User;
  /** The session the handshake presented; when it ends (sign-out, expiry, revocation) the socket goes. */
  session: Session;
  workspaceId: string;
  role: Role;
  origin: RequestOrigin;
}

/** What the server keeps on each socket (typed; no ad-hoc bags). */
export interface SocketData {
  log?: FastifyBaseLogger;
  /** The client IP (http/clientIp.ts rule, TRUST_PROXY-aware); set by the first handshake step. */
  clientIp: string;
  /** Absent on anonymous sockets (the pre-sign-in connection check). */
  identity?: SocketIdentity;
}

export type TsudoiServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type TsudoiSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/**
 * socket.io room names: every socket of a workspace, every socket of one person in it, every socket of
 * a user, and every socket of one session (its id is already a hash of the cookie token).
 */
export const channels = {
  workspace: (workspaceId: string) => `ws:${workspaceId}`,
  person: (workspaceId: string, userId: string) => `ws:${workspaceId}:user:${userId}`,
  user: (userId: string) => `user:${userId}`,
  session: (sessionId: string) => `session:${sessionId}`,
};
