import { ClientPayloads, type IceSettings, type MediaServerToClientEvents } from '@tsudoi/protocol';
import type { types } from 'mediasoup';
import { AppError } from '../errors.js';
import type { MediaPeer } from '../media/mediaPeer.js';
import type { MediaService } from '../media/mediaService.js';
import { relayedBy, relayMediaElsewhere } from '../media/placement/mediaRelay.js';
import { handle } from './handle.js';
import type { TsudoiSocket } from './types.js';

/** Who this socket is in media terms right now; undefined while it is in no room. */
export interface MediaIdentity {
  roomKey: string;
  peerId: string;
  listenOnly: boolean;
}

export interface MediaHandlerDeps {
  media: MediaService;
  /** Asked on every request, so a room switch or a lost permission takes effect at once. */
  resolvePeer: () => MediaIdentity | undefined;
  /** TURN servers with a credential minted for this peer now (media/turnCredentials.ts); default: none. */
  ice?: (peerId: string) => IceSettings;
}

/** Every media push a peer makes reaches its socket (a new event that is not listed fails to compile). */
const FORWARDED = Object.keys({
  'media:newConsumer': true,
  'media:consumerClosed': true,
  'media:producerPaused': true,
  'media:producerResumed': true,
  'media:activeSpeaker': true,
  'media:renegotiate': true,
  'media:senderLayers': true,
} satisfies Record<keyof MediaServerToClientEvents, true>) as Array<keyof MediaServerToClientEvents>;

/**
 * The `media:*` events of one authenticated socket. The socket has at most one peer; `media:join` puts it
 * in the room that `resolvePeer` names (leaving any other), and disconnecting closes its media.
 */
export function registerMediaHandlers(socket: TsudoiSocket, deps: MediaHandlerDeps): void {
  let current: { roomKey: string; peer: MediaPeer; detach: () => void } | undefined;
  // Several nodes: a room hosted by another node is reached through this socket, relayed (docs/SCALING.md).
  if (deps.media.relaysElsewhere)
    relayMediaElsewhere(socket, {
      roomKey: () => deps.resolvePeer()?.roomKey,
      locate: (roomKey) => deps.media.locate(roomKey),
      afterUnreachable: (roomKey, nodeId) => deps.media.locateAfterUnreachable(roomKey, nodeId),
      self: deps.media.self,
      holdLinked: (roomKey, host) => deps.media.holdLinked(roomKey, host),
    });

  const drop = () => {
    if (!current) return;
    const { peer, detach } = current;
    current = undefined;
    detach();
    peer.close('left');
  };

  /**
   * Forwards the peer's notifications to the socket. Until `release()` they are held back: a join's answer
   * (transports, consumers) must reach the client before any push about the new peer, or the client, still
   * without its transports, would drop a consumer the answer does not list.
   */
  const attach = (roomKey: string, peer: MediaPeer): (() => void) => {
    let held: Array<[string, unknown]> | undefined = [];
    const emit = (event: string, payload: unknown) =>
      (socket.emit as (e: string, p: unknown) => boolean)(event, payload);
    const listeners = FORWARDED.map((event) => {
      const forward = (payload: unknown) => (held ? held.push([event, payload]) : emit(event, payload));
      (peer.on as (e: string, l: typeof forward) => void)(event, forward);
      return () => (peer.off as (e: string, l: typeof forward) => void)(event, forward);
    });
    const onClose = () => {
      if (current?.peer === peer) current = undefined;
      for (const off of listeners) off();
    };
    peer.once('close', onClose);
    current = {
      roomKey,
      peer,
      detach: () => {
        peer.off('close', onClose);
        for (const off of listeners) off();
      },
    };
    return () => {
      const queued = held ?? [];
      held = undefined;
      // A peer replaced or closed meanwhile: what it said is stale.
      if (current?.peer === peer) for (const [event, payload] of queued) emit(event, payload);
    };
  };

  /** This socket's peer in the room it is in now; a peer left behind in another room is closed. */
  const me = (): MediaPeer => {
    const who = deps.resolvePeer();
    if (current && (!who || who.roomKey !== current.roomKey || who.peerId !== current.peer.id)) drop();
    if (!current || current.peer.closed) throw AppError.conflict('Join the room media first.');
    return current.peer;
  };

  /** The socket is still connected and still in the room `who` named when the request started. */
  const stillIn = (who: MediaIdentity): boolean => {
    const now = socket.connected ? deps.resolvePeer() : undefined;
    return now !== undefined && now.roomKey === who.roomKey && now.peerId === who.peerId;
  };

  handle(socket, 'media:join', ClientPayloads['media:join'], async (p) => {
    const who = deps.resolvePeer();
    if (!who) throw AppError.forbidden('Enter a room first.');
    // Joining again in the same room (renegotiating) replaces the peer inside the room, which keeps the
    // room's router; joining another room leaves this one first.
    if (current && (current.roomKey !== who.roomKey || current.peer.id !== who.peerId)) drop();
    // Several nodes: a room hosted by another node is joined there (docs/SCALING.md).
    const elsewhere = await deps.media.locate(who.roomKey, relayedBy(socket));
    if (elsewhere) return { routerRtpCapabilities: null, elsewhere };
    current?.detach();
    const peer = await deps.media.join(who.roomKey, who.peerId, { listenOnly: who.listenOnly });
    // While the room's media opened, the socket may have gone (access ended, tab closed: `drop` already
    // ran) or left the room, or a newer join replaced this peer: nobody would ever close it, so close it now.
    if (!stillIn(who) || peer.closed) {
      peer.close('left');
      throw AppError.conflict('You left the room while its media was opening.');
    }
    const release = attach(who.roomKey, peer);
    try {
      // Asked for: the transports come with the answer (both made at once), one round trip fewer on the way back.
      const [routerRtpCapabilities, transports] = await Promise.all([
        peer.routerRtpCapabilities(),
        p.transports ? peer.openTransports() : undefined,
      ]);
      // TURN (issue 14): a fresh credential with every join, for the transports the client makes now.
      const ice = deps.ice?.(who.peerId) ?? {};
      if (!transports) return { routerRtpCapabilities, ...ice };
      // A rejoining client's Device came along: ready now, and the room's consumers come with the answer.
      if (!p.rtpCapabilities) return { routerRtpCapabilities, transports, ...ice };
      const consumers = await peer.setReady(p.rtpCapabilities as types.RtpCapabilities);
      return { routerRtpCapabilities, transports, consumers, ...ice };
    } finally {
      // The answer is sent right after this returns (a microtask); held pushes follow it (a macrotask).
      setImmediate(release);
    }
  });
  handle(socket, 'media:createTransport', ClientPayloads['media:createTransport'], (p) =>
    me().createTransport(p.direction),
  );
  handle(socket, 'media:connectTransport', ClientPayloads['media:connectTransport'], async (p) => {
    await me().connectTransport(p.transportId, p.dtlsParameters as types.DtlsParameters);
    return {};
  });
  handle(socket, 'media:ready', ClientPayloads['media:ready'], async (p) => ({
    consumers: await me().setReady(p.rtpCapabilities as types.RtpCapabilities),
  }));
  handle(socket, 'media:produce', ClientPayloads['media:produce'], async (p) => {
    const producer = await me().produce({
      transportId: p.transportId,
      kind: p.kind,
      rtpParameters: p.rtpParameters as unknown as types.RtpParameters,
      source: p.source,
      paused: p.paused ?? false,
    });
    return { producerId: producer.id };
  });
  handle(socket, 'media:closeProducer', ClientPayloads['media:closeProducer'], (p) => {
    me().closeProducer(p.producerId);
    return {};
  });
  handle(socket, 'media:pauseProducer', ClientPayloads['media:pauseProducer'], async (p) => {
    await me().pauseProducer(p.producerId);
    return {};
  });
  handle(socket, 'media:resumeProducer', ClientPayloads['media:resumeProducer'], async (p) => {
    await me().resumeProducer(p.producerId);
    return {};
  });
  handle(socket, 'media:pauseConsumer', ClientPayloads['media:pauseConsumer'], async (p) => {
    await me().pauseConsumer(p.consumerId);
    return {};
  });
  handle(socket, 'media:resumeConsumer', ClientPayloads['media:resumeConsumer'], async (p) => {
    await me().resumeConsumer(p.consumerId);
    return {};
  });
  handle(socket, 'media:setConsumerLayers', ClientPayloads['media:setConsumerLayers'], async (p) => {
    await me().setConsumerLayers(p.consumerId, p.spatialLayer, p.temporalLayer);
    return {};
  });
  socket.on('disconnect', drop);
}
