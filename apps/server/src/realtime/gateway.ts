import type http from 'node:http';
import { ClientPayloads, HandshakeAuth, PROTOCOL_VERSION } from '@tsudoi/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { Server } from 'socket.io';
import { ConnectionCheck } from '../media/connectionCheck.js';
import type { RtcListenOptions } from '../media/transports.js';
import type { MediaWorkerPool } from '../media/workerPool.js';
import { handle } from './handle.js';
import type { TsudoiServer } from './types.js';

export interface GatewayDeps {
  log: FastifyBaseLogger;
  media: MediaWorkerPool;
  rtc: RtcListenOptions;
}

/** Refusal sent to a client that speaks another protocol version: it should reload the page. */
export class ProtocolOutdatedError extends Error {
  readonly data = { code: 'PROTOCOL_OUTDATED', serverVersion: PROTOCOL_VERSION } as const;
  constructor() {
    super('PROTOCOL_OUTDATED');
  }
}

/** socket.io on the HTTP server: handshake checks, then one handler set per socket. */
export function createGateway(httpServer: http.Server, deps: GatewayDeps): TsudoiServer {
  const io: TsudoiServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: 256 * 1024,
    pingInterval: 10_000,
    pingTimeout: 10_000,
  });

  io.use((socket, next) => {
    const auth = HandshakeAuth.safeParse(socket.handshake.auth);
    if (!auth.success || auth.data.protocolVersion !== PROTOCOL_VERSION)
      return next(new ProtocolOutdatedError());
    socket.data.log = deps.log.child({ socket: socket.id });
    next();
  });

  io.on('connection', (socket) => {
    socket.emit('server:hello', { protocolVersion: PROTOCOL_VERSION, serverTime: new Date().toISOString() });
    handle(socket, 'ping', ClientPayloads.ping, () => ({ serverTime: new Date().toISOString() }));

    let check: ConnectionCheck | undefined;
    const currentCheck = () => {
      check ??= new ConnectionCheck(deps.media, deps.rtc);
      return check;
    };
    handle(socket, 'check:start', ClientPayloads['check:start'], () => currentCheck().start());
    handle(socket, 'check:connect', ClientPayloads['check:connect'], async (p) => {
      await currentCheck().connect(p.dtlsParameters);
      return {};
    });
    handle(socket, 'check:produce', ClientPayloads['check:produce'], async (p) => ({
      producerId: await currentCheck().produce(p.kind, p.rtpParameters as never),
    }));
    handle(socket, 'check:stats', ClientPayloads['check:stats'], () => currentCheck().stats());
    socket.on('disconnect', () => check?.close());
  });
  return io;
}
