import type { MediaServerToClientEvents } from '@tsudoi/protocol';
import { getSocket, RequestError, request } from '../realtime/socket';

/** The signalling a media client needs: requests with acks, and server pushes. */
export interface MediaSignal {
  request: typeof request;
  on<E extends keyof MediaServerToClientEvents>(event: E, fn: MediaServerToClientEvents[E]): () => void;
}

/** The app's socket as a {@link MediaSignal}. */
export const socketSignal: MediaSignal = {
  request,
  on: (event, fn) => {
    const s = getSocket();
    (s.on as (e: string, f: unknown) => void)(event, fn);
    return () => (s.off as (e: string, f: unknown) => void)(event, fn);
  },
};

/** Thrown inside a join that a newer join (or a leave) replaced: it stops without touching anything. */
export class Superseded extends Error {
  constructor() {
    super('superseded');
    this.name = 'Superseded';
  }
}

/** An error's own text, for the media trace (developer diagnostics) only: people see `problemKey` text. */
export const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const codeOf = (err: unknown): string | undefined =>
  err instanceof RequestError ? err.body.code : undefined;
