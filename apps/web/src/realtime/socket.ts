import {
  type Ack,
  type ClientToServerEvents,
  type ErrorBody,
  PROTOCOL_VERSION,
  type ServerToClientEvents,
} from '@tsudoi/protocol';
import { io, type Socket } from 'socket.io-client';
import { connectionActions } from '../state/store';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A failed request: carries the server's stable error code. */
export class RequestError extends Error {
  constructor(readonly body: ErrorBody) {
    super(body.message);
    this.name = 'RequestError';
  }
}

let socket: ClientSocket | undefined;

/** The app's one socket, created on first use; status changes feed the store. */
export function getSocket(): ClientSocket {
  if (socket) return socket;
  const s: ClientSocket = io({ auth: { protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'] });
  s.on('connect', () => connectionActions.setStatus('online'));
  s.on('disconnect', () => connectionActions.setStatus('connecting'));
  s.on('connect_error', (err) => {
    const data = (err as Error & { data?: { code?: string } }).data;
    if (data?.code === 'PROTOCOL_OUTDATED') {
      connectionActions.setStatus('outdated');
      s.disconnect();
    }
  });
  socket = s;
  return s;
}

type AckOf<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[1] extends (
  r: Ack<infer T>,
) => void
  ? T
  : never;

/** Sends a request and resolves with the ack's data, or rejects with {@link RequestError}. */
export function request<E extends keyof ClientToServerEvents>(
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
  timeoutMs = 10_000,
): Promise<AckOf<E>> {
  const s = getSocket();
  return new Promise((resolve, reject) => {
    const emit = s.timeout(timeoutMs).emit as unknown as (
      ev: string,
      p: unknown,
      cb: (err: Error | null, r: Ack<AckOf<E>>) => void,
    ) => void;
    emit.call(s.timeout(timeoutMs), event, payload, (err, result) => {
      if (err)
        return reject(new RequestError({ code: 'UNAVAILABLE', message: 'The server did not answer.' }));
      if (result.ok) resolve(result.data);
      else reject(new RequestError(result.error));
    });
  });
}
