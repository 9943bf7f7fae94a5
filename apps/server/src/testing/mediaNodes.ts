import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type Database from 'better-sqlite3';
import { Server } from 'socket.io';
import type { LinkKeys } from '../media/links/linkToken.js';
import { type MediaErrorListener, MediaService } from '../media/mediaService.js';
import { startPlacement } from '../media/placement/placementWiring.js';
import type { RtcListenOptions } from '../media/transports.js';
import type { MediaWorkerPool } from '../media/workerPool.js';
import { useLimiter } from '../realtime/handle.js';
import { registerMediaHandlers } from '../realtime/mediaHandlers.js';
import { SocketRateLimiter } from '../realtime/rateLimit.js';
import type { TsudoiServer } from '../realtime/types.js';
import { sqlitePlacement } from '../storage/sqlite/placementRepo.js';

/**
 * One Tsudoi node as far as media goes, for tests of several nodes in one process: its MediaService, its
 * placement on a shared SQLite store and a socket server whose sockets are all in one room (`?who=` names
 * the peer).
 */
export interface MediaNode {
  id: string;
  media: MediaService;
  url: string;
  close(): Promise<void>;
  /** Stops like a killed process: no more heartbeats, sockets gone, nothing released. */
  crash(): Promise<void>;
}

export interface MediaNodeOptions {
  nodeId: string;
  db: Database.Database;
  pool: MediaWorkerPool;
  rtc: RtcListenOptions;
  /** The room every socket of this node is in. */
  roomKey: string;
  ttlMs: number;
  /** Relay media signalling to the hosting node (placementWiring's default); false: answer `elsewhere`. */
  relay?: boolean;
  peersPerRouter?: number;
  /** Media links (a room bigger than one node), signed with these keys. */
  links?: LinkKeys;
  onError?: MediaErrorListener;
  /** The clock of every socket's rate limiter (a frozen one lets a test count what a budget allows). */
  limiterClock?: () => number;
}

export async function startMediaNode(o: MediaNodeOptions): Promise<MediaNode> {
  const media = new MediaService(
    o.pool,
    o.rtc,
    o.onError,
    o.peersPerRouter ? { peersPerRouter: o.peersPerRouter } : {},
  );
  const server = http.createServer();
  const io: TsudoiServer = new Server(server);
  io.on('connection', (socket) => {
    if (o.limiterClock) useLimiter(socket, new SocketRateLimiter(o.limiterClock));
    registerMediaHandlers(socket, {
      media,
      resolvePeer: () => ({
        roomKey: o.roomKey,
        peerId: String(socket.handshake.query.who),
        listenOnly: false,
      }),
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const repos = sqlitePlacement(o.db);
  let alive = true;
  const heartbeat = repos.nodes.heartbeat;
  repos.nodes.heartbeat = (n) => (alive ? heartbeat(n) : Promise.resolve());
  const stop = await startPlacement({
    repos,
    settings: { ttlMs: o.ttlMs, heartbeatMs: o.ttlMs / 4 },
    media,
    pool: o.pool,
    nodeId: o.nodeId,
    url,
    clock: () => new Date(),
    log: { warn: () => {} },
    relay: o.relay ?? true,
    ...(o.links ? { links: { io: io as unknown as Server, keys: o.links } } : {}),
  });
  return {
    id: o.nodeId,
    media,
    url,
    async close() {
      await stop();
      await io.close();
      media.close();
    },
    async crash() {
      alive = false;
      io.disconnectSockets(true);
      await new Promise<void>((r) => io.close(() => r()));
      media.close();
    },
  };
}
