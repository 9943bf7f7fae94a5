import { HandshakeAuth, PROTOCOL_VERSION } from '@tsudoi/protocol';
import type { ExtendedError } from 'socket.io';
import type { SessionService } from '../auth/sessionService.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import type { TsudoiSocket } from './types.js';

/** A refused handshake; the client reads `data.code` from `connect_error`. */
export class HandshakeRefused extends Error {
  readonly data: { code: string; serverVersion?: number };
  constructor(code: 'PROTOCOL_OUTDATED' | 'UNAUTHENTICATED' | 'NOT_FOUND' | 'FORBIDDEN' | (string & {})) {
    super(code);
    this.data = code === 'PROTOCOL_OUTDATED' ? { code, serverVersion: PROTOCOL_VERSION } : { code };
  }
}

/** The value of one cookie in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

/**
 * Handshake checks: the protocol version, then — for a workspace socket — the session cookie and the
 * workspace access decision (active membership and every access rule). A socket without `workspaceId`
 * stays anonymous (connection check).
 */
export function socketAuth(access: WorkspaceAccess, sessions: SessionService, sessionCookie: string) {
  return async (socket: TsudoiSocket, next: (err?: ExtendedError) => void) => {
    const auth = HandshakeAuth.safeParse(socket.handshake.auth);
    if (!auth.success || auth.data.protocolVersion !== PROTOCOL_VERSION)
      return next(new HandshakeRefused('PROTOCOL_OUTDATED'));
    const { workspaceId } = auth.data;
    if (!workspaceId) return next();
    try {
      const token = cookieValue(socket.handshake.headers.cookie, sessionCookie);
      const authed = await sessions.authenticate(token);
      if (!authed || !token) return next(new HandshakeRefused('UNAUTHENTICATED'));
      const ip = socket.data.clientIp || null; // TRUST_PROXY-aware, set by handshakeGuard
      const { verdict, membership } = await access.decide(
        { userId: authed.user.id, session: authed.session, clientIp: ip, via: 'socket' },
        workspaceId,
      );
      if (!verdict.allow || !membership)
        return next(new HandshakeRefused(verdict.allow ? 'NOT_FOUND' : verdict.code));
      socket.data.identity = {
        user: authed.user,
        session: authed.session,
        workspaceId,
        role: membership.role,
        origin: { ip, userAgent: socket.handshake.headers['user-agent'] ?? null },
      };
      next();
    } catch (err) {
      next(err as Error);
    }
  };
}
