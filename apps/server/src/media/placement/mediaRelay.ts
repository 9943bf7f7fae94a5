import type { Ack, MediaElsewhere, MediaJoinResult } from '@tsudoi/protocol';
import type { Socket as ClientSocket } from 'socket.io-client';
import { AppError, toErrorBody } from '../../errors.js';
import { countedAlready, rateLimitRefusal } from '../../realtime/handle.js';
import type { TsudoiSocket } from '../../realtime/types.js';

/** How long the hosting node may take to accept the relay's connection, and to answer a request. */
const CONNECT_TIMEOUT_MS = 3_000;
const REQUEST_TIMEOUT_MS = 10_000;

export interface MediaRelayDeps {
  /** The room this socket is in now (as the media handlers see it), or undefined. */
  roomKey: () => string | undefined;
  /** Undefined: the room's media is (or opens) here; else the node hosting it. */
  locate: (roomKey: string) => Promise<MediaElsewhere | undefined>;
  /** The named node could not be reached: wait for its placement to lapse if it is dead, then locate again. */
  afterUnreachable: (roomKey: string, nodeId: string) => Promise<MediaElsewhere | undefined>;
  /** This node: named to the hosting node, which may answer that this node is to hold the peer. */
  self?: MediaElsewhere | undefined;
  /** The host is full: hold the room here as its satellite (MediaService.holdLinked). */
  holdLinked?: (roomKey: string, host: MediaElsewhere) => Promise<void>;
}

/** Query fields a relay connection names its node with (`relayedBy` on the hosting node). */
const RELAYED_BY = 'tsudoiRelayNode';
const RELAYED_BY_URL = 'tsudoiRelayUrl';

/**
 * The node relaying this socket, as it named itself, if any. Only used to answer that node "hold this
 * peer yourself" when the room is full here; a page that forges it gets that answer and nothing else.
 */
export function relayedBy(socket: TsudoiSocket): MediaElsewhere | undefined {
  const q = socket.handshake.query;
  const nodeId = q[RELAYED_BY];
  const url = q[RELAYED_BY_URL];
  return typeof nodeId === 'string' && typeof url === 'string' && nodeId && url ? { nodeId, url } : undefined;
}

/**
 * Several nodes (docs/SCALING.md): when a socket's room is hosted by another node, this node relays the
 * socket's media signalling there, so a page needs no second connection. On the socket's `media:join` the
 * room is located; if it is elsewhere, a socket.io connection to that node's URL is opened as this person
 * (the handshake's cookie and auth, `x-forwarded-for` = the client's address), and from then on every
 * `media:*` request is forwarded and answered from there, and every `media:*` push from there reaches the
 * page. WebRTC itself goes straight between the browser and the hosting node (its transports). A join in
 * a room hosted here, a room change, or the page's disconnect ends the relay; losing the hosting node tells
 * the page to renegotiate (`media:renegotiate { reason: 'nodeLost' }`), which joins again (and, once the
 * dead node's placement expired, here or on another live node).
 */
const elsewhereOf = (data: unknown) => (data as MediaJoinResult | undefined)?.elsewhere;

export function relayMediaElsewhere(socket: TsudoiSocket, deps: MediaRelayDeps): void {
  let relay: { conn: ClientSocket; roomKey: string; to: MediaElsewhere } | undefined;

  const end = () => {
    const r = relay;
    relay = undefined;
    r?.conn.removeAllListeners();
    r?.conn.close();
  };

  const open = async (to: MediaElsewhere) => {
    // Loaded on first use: a node that never relays does not pay for the client library at start-up (R21).
    const { io: connect } = await import('socket.io-client');
    return new Promise<ClientSocket>((resolve, reject) => {
      const headers = socket.handshake.headers;
      const conn = connect(to.url, {
        auth: socket.handshake.auth,
        query: {
          ...(socket.handshake.query as Record<string, string>),
          ...(deps.self ? { [RELAYED_BY]: deps.self.nodeId, [RELAYED_BY_URL]: deps.self.url } : {}),
        },
        transports: ['websocket'],
        extraHeaders: {
          ...(headers.cookie ? { cookie: headers.cookie } : {}),
          'x-forwarded-for': socket.data.clientIp ?? socket.handshake.address,
        },
        reconnection: false,
        timeout: CONNECT_TIMEOUT_MS,
      });
      conn.once('connect', () => resolve(conn));
      conn.once('connect_error', (err) => {
        conn.close();
        reject(err);
      });
      conn.onAny((event: string, payload: unknown) => {
        if (event.startsWith('media:') && relay?.conn === conn)
          (socket.emit as (e: string, p: unknown) => boolean)(event, payload);
      });
      conn.on('disconnect', () => {
        if (relay?.conn !== conn) return;
        end();
        if (socket.connected) socket.emit('media:renegotiate', { reason: 'nodeLost' });
      });
    });
  };

  /** Sends a request the relayed peer makes to the hosting node; its answer is the page's. */
  const send = async (event: string, payload: unknown): Promise<Ack<unknown>> => {
    const conn = relay?.conn;
    if (!conn?.connected) throw AppError.conflict('Join the room media first.');
    try {
      return await (
        conn.timeout(REQUEST_TIMEOUT_MS).emitWithAck as (e: string, p: unknown) => Promise<Ack<unknown>>
      )(event, payload);
    } catch {
      throw new AppError('UNAVAILABLE', 'The node hosting this room did not answer.');
    }
  };

  /**
   * A relayed request counts against this socket's rate limit as a handled one would (the handlers never
   * see it): the page's budget and the flood disconnect hold here, not only on the hosting node's relay.
   */
  const forward = async (event: string, payload: unknown): Promise<Ack<unknown>> =>
    (await rateLimitRefusal(socket, event)) ?? send(event, payload);

  const relayJoin = async (payload: unknown): Promise<Ack<unknown> | undefined> => {
    const roomKey = deps.roomKey();
    if (!roomKey) {
      end();
      return undefined; // the handler refuses it
    }
    let to = await deps.locate(roomKey);
    if (!to) {
      end();
      return undefined; // hosted here: the handler joins (and counts it)
    }
    const refused = await rateLimitRefusal(socket, 'media:join');
    if (refused) return refused;
    if (!relay || relay.roomKey !== roomKey || relay.to.nodeId !== to.nodeId || !relay.conn.connected) {
      end();
      let conn: ClientSocket | undefined;
      for (let attempt = 0; !conn; attempt++) {
        try {
          conn = await open(to);
        } catch {
          // A dead host: its placement lapses within one TTL, then the room is taken over (normally here).
          if (attempt > 0 || !socket.connected)
            throw new AppError(
              'UNAVAILABLE',
              'The node hosting this room cannot be reached; try again shortly.',
            );
          to = await deps.afterUnreachable(roomKey, to.nodeId);
          if (!to) {
            countedAlready(payload);
            return undefined; // taken over here: the handler joins (counted once, above)
          }
        }
      }
      if (!socket.connected) {
        conn.close();
        throw AppError.conflict('You left.');
      }
      relay = { conn, roomKey, to };
    }
    const answer = await send('media:join', payload);
    // The host is full and names this node: the room's next peers here are held here, linked to it.
    const host = relay?.to;
    const self = deps.self;
    if (answer.ok && self && host && deps.holdLinked && elsewhereOf(answer.data)?.nodeId === self.nodeId) {
      end();
      await deps.holdLinked(roomKey, host);
      countedAlready(payload);
      return undefined; // held here now: the handler joins (counted once, above)
    }
    return answer;
  };

  /** A request of the relayed peer; after a room change the relay ends and the handler refuses it. */
  const relayOther = async (event: string, payload: unknown): Promise<Ack<unknown> | undefined> => {
    if (deps.roomKey() === relay?.roomKey) return forward(event, payload);
    end();
    return undefined;
  };

  socket.use(([event, payload, ack], next) => {
    if (typeof event !== 'string' || !event.startsWith('media:')) return next();
    if (event !== 'media:join' && !relay) return next();
    const reply = typeof ack === 'function' ? (ack as (r: unknown) => void) : () => {};
    const work = event === 'media:join' ? relayJoin(payload) : relayOther(event, payload);
    work.then(
      (answer) => (answer === undefined ? next() : reply(answer)),
      (err: unknown) => reply({ ok: false, error: toErrorBody(err) }),
    );
  });
  socket.on('disconnect', end);
}
