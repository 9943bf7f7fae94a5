import type { MediaElsewhere } from '@tsudoi/protocol';
import type { Server, Socket as ServerSocket } from 'socket.io';
import type { Socket as ClientSocket } from 'socket.io-client';
import { z } from 'zod';
import type { LinkToHost, MediaService } from '../mediaService.js';
import type { RoomMedia } from '../roomMedia.js';
import type { LinkPort } from './linkMessages.js';
import { type LinkKeys, mintLinkToken, verifyLinkToken } from './linkToken.js';
import { connectPipe, PipeLink, type PipeTuple, tupleOf } from './pipeLink.js';

/**
 * The channel of a media link (docs/SCALING.md "A room bigger than one node"): the satellite node opens a
 * socket.io connection to the host node's `NODE_URL`, namespace `/media-link` (the nodes already speak
 * socket.io to each other: the media relay), signed with a link token; one connection per room and
 * satellite. `link:open` exchanges the two pipe transports' addresses; then both ends speak linkMessages.
 * Losing the connection closes the link: the satellite's pages renegotiate, the host forgets its mirrors.
 */
export const LINK_NAMESPACE = '/media-link';
const OPEN_TIMEOUT_MS = 5_000;

export interface LinkSettings {
  /** This node (its id goes into the token; a host checks the token names it). */
  nodeId: string;
  keys: LinkKeys;
  now: () => number;
}

const Auth = z.object({
  from: z.string().min(1).max(200),
  roomKey: z.string().min(1).max(300),
  token: z.string(),
});
const Tuple = z.object({
  ip: z.string().min(1).max(100),
  port: z.number().int().min(1).max(65535),
  srtpParameters: z.object({
    cryptoSuite: z.enum([
      'AEAD_AES_256_GCM',
      'AEAD_AES_128_GCM',
      'AES_CM_128_HMAC_SHA1_80',
      'AES_CM_128_HMAC_SHA1_32',
    ]),
    keyBase64: z.string().max(200),
  }),
});
type OpenAnswer = { ok: true; pipe: PipeTuple } | { ok: false; code: string };

function portOf(s: ServerSocket | ClientSocket, close: () => void): LinkPort {
  return {
    send: (event, payload) => void s.emit(event, payload),
    onMessage: (handler) => void s.onAny(handler),
    onClose: (handler) => void s.on('disconnect', handler),
    close,
  };
}

/** The host side: accepts links to rooms hosted here from nodes holding a valid token. Returns the stop. */
export function serveMediaLinks(io: Server, media: MediaService, settings: LinkSettings): () => void {
  const nsp = io.of(LINK_NAMESPACE);
  nsp.use((socket, next) => {
    const auth = Auth.safeParse(socket.handshake.auth);
    const ok =
      auth.success &&
      verifyLinkToken(
        settings.keys,
        { from: auth.data.from, to: settings.nodeId, roomKey: auth.data.roomKey },
        auth.data.token,
        settings.now(),
      );
    next(ok ? undefined : new Error('LINK_REFUSED'));
  });
  nsp.on('connection', (socket) => {
    const { from, roomKey } = Auth.parse(socket.handshake.auth);
    socket.once('link:open', async (payload: unknown, ack: unknown) => {
      const answer = typeof ack === 'function' ? (ack as (a: OpenAnswer) => void) : () => {};
      const tuple = z.object({ pipe: Tuple }).safeParse(payload);
      const room = media.hostedRoom(roomKey);
      if (!tuple.success || !room) {
        answer({ ok: false, code: tuple.success ? 'NOT_HOSTED' : 'VALIDATION_FAILED' });
        socket.disconnect(true);
        return;
      }
      try {
        const pipe = await room.openPipe();
        await connectPipe(pipe, tuple.data.pipe);
        room.attachLink(
          new PipeLink(
            from,
            pipe,
            portOf(socket, () => socket.disconnect(true)),
          ),
        );
        answer({ ok: true, pipe: tupleOf(pipe) });
      } catch {
        answer({ ok: false, code: 'UNAVAILABLE' });
        socket.disconnect(true);
      }
    });
  });
  return () => {
    nsp.disconnectSockets(true);
    nsp.removeAllListeners();
  };
}

/** The satellite side: links `room` (just opened here) to the room's host. Throws when it cannot. */
export function linkToHost(settings: LinkSettings): LinkToHost {
  return async (room: RoomMedia, host: MediaElsewhere) => {
    const { io: connect } = await import('socket.io-client');
    const pipe = await room.openPipe();
    const claim = { from: settings.nodeId, to: host.nodeId, roomKey: room.key };
    const conn = connect(new URL(LINK_NAMESPACE, host.url).href, {
      auth: {
        from: settings.nodeId,
        roomKey: room.key,
        token: mintLinkToken(settings.keys, claim, settings.now()),
      },
      transports: ['websocket'],
      reconnection: false,
      timeout: OPEN_TIMEOUT_MS,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        conn.once('connect', resolve);
        conn.once('connect_error', reject);
      });
      // Listening before the host answers: it offers its producers as soon as it has attached its end.
      const link = new PipeLink(
        host.nodeId,
        pipe,
        portOf(conn, () => conn.close()),
      );
      room.attachLink(link);
      const answer = (await conn
        .timeout(OPEN_TIMEOUT_MS)
        .emitWithAck('link:open', { pipe: tupleOf(pipe) })) as OpenAnswer;
      if (!answer.ok) throw new Error(`the host refused the media link: ${answer.code}`);
      await connectPipe(pipe, Tuple.parse(answer.pipe));
    } catch (err) {
      conn.close();
      pipe.close();
      throw err;
    }
  };
}
