import type { IncomingMessage } from 'node:http';
import type { ExtendedError } from 'socket.io';
import type { SecurityEvents } from '../audit/securityEvents.js';
import { clientIp, handshakeIp, type TrustFn } from '../http/clientIp.js';
import { judgeOrigin, type OriginPolicy } from '../http/origins.js';
import type { TsudoiSocket } from './types.js';

/** What the first handshake step needs: the proxy rule, the allowed origins, the security log. */
export interface HandshakeGuardDeps {
  trust: TrustFn;
  allowedOrigins: () => OriginPolicy;
  securityEvents: SecurityEvents;
}

/** A handshake refused for its origin; the client reads `data.code` from `connect_error`. */
export class OriginRefused extends Error {
  readonly data = { code: 'CSRF_FAILED' as const };
  constructor() {
    super('CSRF_FAILED');
  }
}

/** The workspace a handshake asks for (the client's claim; the recorder writes only existing ones). */
function claimedWorkspace(socket: TsudoiSocket): { workspaceId?: string } {
  const workspaceId = (socket.handshake.auth as { workspaceId?: unknown } | undefined)?.workspaceId;
  return typeof workspaceId === 'string' && workspaceId.length <= 64 ? { workspaceId } : {};
}

type Middleware = (socket: TsudoiSocket, next: (err?: ExtendedError) => void) => unknown;

/**
 * Wraps a handshake step so each refusal it makes (no session, not a member, outdated protocol, an
 * access rule) is a security event with the client IP, the refusal code and the workspace asked for.
 */
export function recordRefusals(step: Middleware, events: SecurityEvents): Middleware {
  return (socket, next) =>
    step(socket, (err) => {
      if (err) {
        const code = (err as { data?: { code?: unknown } }).data?.code;
        events.record({
          type: 'handshake_refused',
          ip: socket.data.clientIp || null,
          userAgent: socket.handshake.headers['user-agent'] ?? null,
          ...claimedWorkspace(socket),
          detail: { reason: 'handshake_check', code: typeof code === 'string' ? code : 'INTERNAL' },
        });
      }
      next(err);
    });
}

/**
 * The first handshake step for every socket: records the client IP (`socket.data.clientIp`, by the
 * same TRUST_PROXY rule as HTTP) and refuses a foreign or malformed `Origin`, so a page on another
 * site cannot ride the user's session cookie into a socket (cross-site WebSocket hijacking). No Origin
 * means no browser made the request, and then no browser's cookies came with it either.
 */
export function handshakeGuard(d: HandshakeGuardDeps) {
  return (socket: TsudoiSocket, next: (err?: ExtendedError) => void) => {
    const ip = handshakeIp(socket.handshake, d.trust);
    socket.data.clientIp = ip;
    const verdict = judgeOrigin(socket.handshake.headers, d.allowedOrigins);
    if (verdict === 'allowed' || verdict === 'absent') return next();
    d.securityEvents.record({
      type: 'handshake_refused',
      ip,
      userAgent: socket.handshake.headers['user-agent'] ?? null,
      ...claimedWorkspace(socket),
      detail: { reason: verdict === 'foreign' ? 'foreign_origin' : 'malformed_origin', code: 'CSRF_FAILED' },
    });
    next(new OriginRefused());
  };
}

/**
 * The same Origin rule one layer down, as engine.io's `allowRequest`: a foreign or malformed Origin
 * gets `403` before engine.io opens a session (no `sid`, no polling buffers, no ping timers), instead
 * of an engine session that the namespace check then refuses. engine.io asks only for new sessions
 * (polling handshake or a direct websocket); requests with a `sid` belong to a session it admitted.
 * The namespace check ({@link handshakeGuard}) stays: it also names the refusal to the client.
 */
export function engineOriginCheck(d: HandshakeGuardDeps) {
  return (req: IncomingMessage, answer: (err: string | null | undefined, success: boolean) => void) => {
    const verdict = judgeOrigin(req.headers, d.allowedOrigins);
    if (verdict === 'allowed' || verdict === 'absent') return answer(null, true);
    d.securityEvents.record({
      type: 'handshake_refused',
      ip: clientIp(req, d.trust) || null,
      userAgent: req.headers['user-agent'] ?? null,
      detail: {
        reason: verdict === 'foreign' ? 'foreign_origin' : 'malformed_origin',
        code: 'CSRF_FAILED',
        layer: 'engine',
      },
    });
    answer('CSRF_FAILED', false);
  };
}
