import type { ExtendedError } from 'socket.io';
import { addressKey } from '../http/clientIp.js';
import { LocalLimits, type SharedLimits } from '../scaling/sharedLimits.js';
import { type BucketSpec, KeyedBuckets } from './rateLimit.js';
import type { TsudoiSocket } from './types.js';

/** Default: open sockets (tabs) one person may hold for one workspace. */
export const DEFAULT_SOCKETS_PER_USER = 10;

/** Bounds on handshakes and open sockets (config.ts: SOCKETS_PER_USER_MAX, ANON_SOCKETS_PER_IP_MAX, HANDSHAKES_PER_*). */
export interface SocketLimits {
  /** Open sockets one person may hold for one workspace. */
  socketsPerUser: number;
  /** Open anonymous sockets (no workspace: status line, connection check) per client address. */
  anonymousPerIp: number;
  /** Handshakes one person may make per workspace in a minute (a burst of this many, then one per 60/n s). */
  handshakesPerUserPerMinute: number;
  /** Handshakes one client address may make in a minute, signed in or not. */
  handshakesPerIpPerMinute: number;
}

/**
 * Defaults. A server restart brings each tab back once (at most SOCKETS_PER_USER_MAX per person), and a
 * network blip a few times a minute, far below these; a script reconnecting to refill its event budget
 * (or to make the server run the handshake checks) is refused after half a minute's worth.
 */
export const DEFAULT_SOCKET_LIMITS: Readonly<SocketLimits> = {
  socketsPerUser: DEFAULT_SOCKETS_PER_USER,
  anonymousPerIp: 10,
  handshakesPerUserPerMinute: 30,
  handshakesPerIpPerMinute: 60,
};

export type CapRefusal =
  | 'too_many_sockets'
  | 'too_many_anonymous'
  | 'handshake_rate_user'
  | 'handshake_rate_ip';

/** A handshake refused: too many sockets held, or too many handshakes lately (`retryAfter` in seconds then). */
export class TooManyConnections extends Error {
  readonly data: { code: 'TOO_MANY_CONNECTIONS'; limit: number; retryAfter?: number };
  constructor(limit: number, retryAfterMs?: number) {
    super('TOO_MANY_CONNECTIONS');
    this.data = {
      code: 'TOO_MANY_CONNECTIONS',
      limit,
      ...(retryAfterMs !== undefined ? { retryAfter: Math.max(1, Math.ceil(retryAfterMs / 1000)) } : {}),
    };
  }
}

/**
 * Handshakes per key: a token bucket of `perMinute` refilling over a minute. A key idle for a minute has a
 * full bucket again and is forgotten (swept at most once a minute), so memory follows the last minute's clients.
 */
export class HandshakeRate {
  readonly #buckets: KeyedBuckets;
  readonly #spec: BucketSpec;

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
    /** Several nodes: one bucket per key across them (scaling/sharedLimits.ts). */
    private readonly shared?: SharedLimits,
  ) {
    this.#spec = { capacity: perMinute, perSecond: perMinute / 60 };
    this.#buckets = new KeyedBuckets(60_000, now());
  }

  get size(): number {
    return this.#buckets.size;
  }

  /** Counts one handshake: 0 when allowed, else the milliseconds until the next one would be. */
  take(key: string): number | Promise<number> {
    if (this.shared) return this.shared.take(`handshake:${key}`, this.#spec, this.now());
    return this.#buckets.take(key, this.#spec, this.now());
  }
}

/**
 * Handshake middleware (register it right after the guard that sets `socket.data.clientIp`, before the
 * session is looked up): a client address may make `perMinute` handshakes a minute (IPv6: per /64; the
 * address by the TRUST_PROXY rule, so a forged X-Forwarded-For does not count as another client).
 */
export function addressHandshakes(
  perMinute: number,
  onRefused: (socket: TsudoiSocket, reason: CapRefusal) => void,
  now: () => number = Date.now,
  shared?: SharedLimits,
) {
  const rate = new HandshakeRate(perMinute, now, shared);
  return async (socket: TsudoiSocket, next: (err?: ExtendedError) => void) => {
    const wait = await rate.take(`ip:${addressKey(socket.data.clientIp ?? '')}`);
    if (wait === 0) return next();
    onRefused(socket, 'handshake_rate_ip');
    next(new TooManyConnections(perMinute, wait));
  };
}

/**
 * Handshake middleware (register it after `socketAuth`, as the last `io.use`): a person may make
 * `handshakesPerUserPerMinute` handshakes a minute per workspace and hold at most `socketsPerUser`
 * sockets; an anonymous socket (no workspace) counts against its client address's `anonymousPerIp`. The
 * next one is refused with TOO_MANY_CONNECTIONS while the others, and everyone else, go on. A slot is held
 * from the handshake until the socket disconnects or its connection closes, whichever comes first, so a
 * handshake abandoned half-way does not leak a slot. `onRefused` records the refusal.
 */
export function socketCap(
  limits: Pick<SocketLimits, 'socketsPerUser' | 'anonymousPerIp' | 'handshakesPerUserPerMinute'>,
  onRefused: (socket: TsudoiSocket, reason: CapRefusal) => void,
  now: () => number = Date.now,
  /** Where open sockets are counted: this process (default), or Redis so a person's tabs on every node count. */
  slots: SharedLimits = new LocalLimits(now()),
) {
  const handshakes = new HandshakeRate(limits.handshakesPerUserPerMinute, now, slots);
  return async (socket: TsudoiSocket, next: (err?: ExtendedError) => void) => {
    const id = socket.data.identity;
    let key: string;
    let limit: number;
    if (id) {
      key = `tabs:${id.workspaceId}:${id.user.id}`;
      const wait = await handshakes.take(`user:${id.workspaceId}:${id.user.id}`);
      if (wait > 0) {
        onRefused(socket, 'handshake_rate_user');
        return next(new TooManyConnections(limits.handshakesPerUserPerMinute, wait));
      }
      limit = limits.socketsPerUser;
    } else {
      key = `anonymous:${addressKey(socket.data.clientIp ?? '')}`;
      limit = limits.anonymousPerIp;
    }
    // Listen for the end before asking (a socket may close while the count is read elsewhere).
    let ended = false;
    let held = false;
    const release = () => {
      ended = true;
      if (!held) return;
      held = false;
      void slots.release(key, socket.id);
    };
    socket.once('disconnect', release);
    socket.conn.once('close', release);
    const full = await slots.acquire(key, socket.id, limit, now());
    if (full > 0) {
      socket.off('disconnect', release);
      socket.conn.off('close', release);
      onRefused(socket, id ? 'too_many_sockets' : 'too_many_anonymous');
      return next(new TooManyConnections(limit));
    }
    held = true;
    if (ended) release();
    next();
  };
}
