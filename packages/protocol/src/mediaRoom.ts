import { z } from 'zod';
import type { IceSettings } from './ice.js';
import { DtlsParameters, MediaKind, RtpParameters, type TransportOptions } from './media.js';
import type { MediaElsewhere } from './placement.js';
import type { AckCallback } from './socket.js';

/**
 * Talking in a room (R3, R4): the signalling between a client and the room's SFU router.
 *
 * Order for a client: `media:join` (router capabilities; with `transports: true` also its send and recv
 * transports, else `media:createTransport` for each) → create a Device → `media:ready` (its own capabilities)
 * and, at the same time, `media:produce` mic (and camera). A client that still holds a loaded Device (a
 * rejoin after a reconnect) sends its capabilities with the join instead of a separate `media:ready`: one
 * round trip brings the transports and the room's consumers. The answer to `media:ready` holds a consumer of
 * every producer the others have then, so a client (re)joining a talk sets them all up in one go; producers
 * that come later are pushed as `media:newConsumer`. Each consumer starts paused and the client sends
 * `media:resumeConsumer` once it has attached it. On `media:renegotiate` a client starts over from
 * `media:join` keeping its mute and camera state.
 */

const Id = z.string().min(1).max(64);

/** Where a producer's track comes from; decides its tile and its kind. */
export const MediaSource = z.enum(['mic', 'camera', 'screen']);
export type MediaSource = z.infer<typeof MediaSource>;

/** The kind each source must have. */
export const KIND_OF_SOURCE = { mic: 'audio', camera: 'video', screen: 'video' } as const satisfies Record<
  MediaSource,
  z.infer<typeof MediaKind>
>;

/** A device's RTP capabilities from mediasoup-client; size-bounded here, checked by mediasoup. */
export const RtpCapabilities = z.looseObject({
  codecs: z.array(z.looseObject({ mimeType: z.string().max(64) })).max(64),
  headerExtensions: z.array(z.looseObject({})).max(64).optional(),
});

export const MediaJoinPayload = z
  .object({
    /** Create this peer's transports (send unless listening in, and recv) and answer with them: one round trip. */
    transports: z.literal(true).optional(),
    /**
     * A client that still holds a Device (a rejoin) may send its capabilities with the join: it is then
     * ready at once, and the answer carries the room's consumers too. Only together with `transports`.
     */
    rtpCapabilities: RtpCapabilities.optional(),
  })
  .strict()
  .refine((p) => !p.rtpCapabilities || p.transports, {
    message: 'rtpCapabilities need transports',
    path: ['rtpCapabilities'],
  });
export const MediaCreateTransportPayload = z.object({ direction: z.enum(['send', 'recv']) }).strict();
export const MediaConnectTransportPayload = z
  .object({ transportId: Id, dtlsParameters: DtlsParameters })
  .strict();
export const MediaReadyPayload = z.object({ rtpCapabilities: RtpCapabilities }).strict();
export const MediaProducePayload = z
  .object({
    transportId: Id,
    kind: MediaKind,
    rtpParameters: RtpParameters,
    source: MediaSource,
    /** A muted microphone is produced paused so a rejoin never sends a moment of audio. */
    paused: z.boolean().optional(),
  })
  .strict();
export const MediaProducerPayload = z.object({ producerId: Id }).strict();
export const MediaConsumerPayload = z.object({ consumerId: Id }).strict();
export const MediaConsumerLayersPayload = z
  .object({
    consumerId: Id,
    spatialLayer: z.number().int().min(0).max(2),
    temporalLayer: z.number().int().min(0).max(2).optional(),
  })
  .strict();

/** `iceServers`/`iceTransportPolicy` (ice.ts): TURN for this user, given to both transports. */
export interface MediaJoinResult extends IceSettings {
  routerRtpCapabilities: unknown;
  /** Present when the join asked for `transports`; `send` is absent for a listen-only peer. */
  transports?: { send?: TransportOptions; recv: TransportOptions };
  /** Present when the join brought `rtpCapabilities`: as the answer to `media:ready`. */
  consumers?: MediaNewConsumer[];
  /**
   * Several nodes: the room's media is hosted by another node; nothing else is in the answer
   * (`routerRtpCapabilities` is null). Join again through a socket opened at `elsewhere.url`.
   */
  elsewhere?: MediaElsewhere;
}

/** The answer to `media:ready`: consumers (paused) of every producer the others had at that moment. */
export interface MediaReadyResult {
  consumers: MediaNewConsumer[];
}

/** Server → client: a consumer of another participant's producer, created paused. */
export interface MediaNewConsumer {
  consumerId: string;
  producerId: string;
  peerId: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  rtpParameters: unknown;
  /** The sender has paused it (a muted microphone, a paused camera). */
  producerPaused: boolean;
}
export interface MediaConsumerClosed {
  consumerId: string;
  peerId: string;
}
/** The sender paused or resumed a producer this client consumes (the mute indicator). */
export interface MediaProducerState {
  consumerId: string;
  producerId: string;
  peerId: string;
  source: MediaSource;
}
export interface MediaActiveSpeaker {
  peerId: string | null;
}
/** The only simulcast layer a camera sends until a viewer asks for more (and every new consumer's layer). */
export const CAMERA_START_LAYER = 0;
/**
 * To a camera's sender: encode simulcast layers 0…spatialLayer only — the most any viewer's tile takes now.
 * A camera is produced with its lowest layer only and grows when a viewer needs more (dynacast).
 */
export interface MediaSenderLayers {
  producerId: string;
  spatialLayer: number;
}
/**
 * The room's router moved (its worker died), or the node hosting the room's media was lost (several
 * nodes, docs/SCALING.md): recreate transports and producers, keep mute state.
 */
export interface MediaRenegotiate {
  reason: 'workerDied' | 'nodeLost';
}

type Empty = Record<string, never>;

/** Client → server media events; merged into `ClientToServerEvents`. */
export interface MediaClientToServerEvents {
  'media:join': (payload: unknown, ack: AckCallback<MediaJoinResult>) => void;
  'media:createTransport': (payload: unknown, ack: AckCallback<TransportOptions>) => void;
  'media:connectTransport': (payload: unknown, ack: AckCallback<Empty>) => void;
  'media:ready': (payload: unknown, ack: AckCallback<MediaReadyResult>) => void;
  'media:produce': (payload: unknown, ack: AckCallback<{ producerId: string }>) => void;
  'media:closeProducer': (payload: unknown, ack: AckCallback<Empty>) => void;
  'media:pauseProducer': (payload: unknown, ack: AckCallback<Empty>) => void;
  'media:resumeProducer': (payload: unknown, ack: AckCallback<Empty>) => void;
  'media:pauseConsumer': (payload: unknown, ack: AckCallback<Empty>) => void;
  'media:resumeConsumer': (payload: unknown, ack: AckCallback<Empty>) => void;
  'media:setConsumerLayers': (payload: unknown, ack: AckCallback<Empty>) => void;
}

/** Server → client media events; merged into `ServerToClientEvents`. */
export interface MediaServerToClientEvents {
  'media:newConsumer': (c: MediaNewConsumer) => void;
  'media:consumerClosed': (c: MediaConsumerClosed) => void;
  'media:producerPaused': (p: MediaProducerState) => void;
  'media:producerResumed': (p: MediaProducerState) => void;
  'media:activeSpeaker': (s: MediaActiveSpeaker) => void;
  'media:renegotiate': (r: MediaRenegotiate) => void;
  'media:senderLayers': (l: MediaSenderLayers) => void;
}

/** Schemas of the client's media payloads, keyed by event; the gateway parses with these. */
export const MediaClientPayloads = {
  'media:join': MediaJoinPayload,
  'media:createTransport': MediaCreateTransportPayload,
  'media:connectTransport': MediaConnectTransportPayload,
  'media:ready': MediaReadyPayload,
  'media:produce': MediaProducePayload,
  'media:closeProducer': MediaProducerPayload,
  'media:pauseProducer': MediaProducerPayload,
  'media:resumeProducer': MediaProducerPayload,
  'media:pauseConsumer': MediaConsumerPayload,
  'media:resumeConsumer': MediaConsumerPayload,
  'media:setConsumerLayers': MediaConsumerLayersPayload,
} satisfies Record<keyof MediaClientToServerEvents, z.ZodType>;
