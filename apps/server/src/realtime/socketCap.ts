import type { ExtendedError } from 'socket.io';
import type { TsudoiSocket } from './types.js';

/** Default: open sockets (tabs) one person may hold for one workspace. */
export const DEFAULT_SOCKETS_PER_USER = 10;

/** A handshake refused because the person already has the allowed number of sockets for the workspace. */
export class TooManyConnections extends Error {
  readonly data: { code: 'TOO_MANY_CONNECTIONS'; limit: number };
  constructor(limit: number) {
    super('TOO_MANY_CONNECTIONS');
    this.data = { code: 'TOO_MANY_CONNECTIONS', limit };
  }
}

/**
 * Handshake middleware (register it after `socketAuth`, as the last `io.use`): a person may hold at most
 * `limit` sockets per workspace; the next one is refused with TOO_MANY_CONNECTIONS while the others, and
 * everyone else, go on. Anonymous sockets are not counted here (the connection check has its own bounds).
 * A slot is held from the handshake until the socket disconnects or its connection closes, whichever
 * comes first, so a handshake abandoned half-way does not leak a slot. `onRefused` records the refusal.
 */
export function socketCap(limit: number, onRefused: (socket: TsudoiSocket) => void) {
  const open = new Map<string, Set<string>>();
  return (socket: TsudoiSocket, next: (err?: ExtendedError) => void) => {
    const id = socket.data.identity;
    if (!id) return next();
    const key = `${id.workspaceId}:${id.user.id}`;
    const mine = open.get(key) ?? new Set<string>();
    if (mine.size >= limit) {
      onRefused(socket);
      return next(new TooManyConnections(limit));
    }
    mine.add(socket.id);
    open.set(key, mine);
    const release = () => {
      mine.delete(socket.id);
      if (mine.size === 0 && open.get(key) === mine) open.delete(key);
    };
    socket.once('disconnect', release);
    socket.conn.once('close', release);
    next();
  };
}
