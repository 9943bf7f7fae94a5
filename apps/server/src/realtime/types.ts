import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents } from '@tsudoi/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Server, Socket } from 'socket.io';

/** What the server keeps on each socket (typed; no ad-hoc bags). */
export interface SocketData {
  log?: FastifyBaseLogger;
}

export type TsudoiServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type TsudoiSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
