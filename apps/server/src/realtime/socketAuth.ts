import { HandshakeAuth, PROTOCOL_VERSION } from '@tsudoi/protocol';
import type { ExtendedError } from 'socket.io';
import type { SessionService } from '../auth/sessionService.js';
import type { Store } from '../storage/store.js';
import type { TsudoiSocket } from './types.js';

/** A refused handshake; the client reads `data.code` from `connect_error`. */
export class HandshakeRefused extends Error {
  readonly data: { code: string; serverVersion?: number };
  constructor(code: 'PROTOCOL_OUTDATED' | 'UNAUTHENTICATED' | 'NOT_FOUND') {
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
 * Handshake checks: the protocol version, then — for a workspace socket — the session cookie and an
 * active membership of that workspace. A socket without `workspaceId` stays anonymous (connection check).
 */
export function socketAuth(store: Store, sessions: SessionService, sessionCookie: string) {
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
      const membership = await store.accounts.memberships.get(workspaceId, authed.user.id);
      if (membership?.status !== 'active') return next(new HandshakeRefused('NOT_FOUND'));
      socket.data.identity = {
        user: authed.user,
        sessionToken: token,
        workspaceId,
        role: membership.role,
        origin: {
          ip: socket.data.clientIp || null, // TRUST_PROXY-aware, set by handshakeGuard
          userAgent: socket.handshake.headers['user-agent'] ?? null,
        },
      };
      next();
    } catch (err) {
      next(err as Error);
    }
  };
}
