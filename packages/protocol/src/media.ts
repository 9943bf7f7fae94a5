import { z } from 'zod';
import type { IceSettings } from './ice.js';

/** DTLS parameters as produced by mediasoup-client (validated shape; mediasoup checks the rest). */
export const DtlsParameters = z.object({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z
    .array(
      z.object({
        algorithm: z.enum(['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512']),
        value: z.string().max(256),
      }),
    )
    .min(1)
    .max(8),
});

/** RTP parameters from mediasoup-client; size-bounded here, deeply validated by mediasoup. */
export const RtpParameters = z.looseObject({
  codecs: z
    .array(z.looseObject({ mimeType: z.string().max(64) }))
    .min(1)
    .max(16),
  encodings: z.array(z.looseObject({})).max(8).optional(),
});

export const MediaKind = z.enum(['audio', 'video']);

/** What the server sends a client to create its side of a WebRTC transport. */
export interface TransportOptions {
  id: string;
  iceParameters: unknown;
  iceCandidates: unknown[];
  dtlsParameters: unknown;
}

/** Connection check: a client proves it can reach the SFU (ICE, DTLS, SRTP) before joining a room. */
export const CheckConnectPayload = z.object({ dtlsParameters: DtlsParameters }).strict();
export const CheckProducePayload = z.object({ kind: MediaKind, rtpParameters: RtpParameters }).strict();

/** `iceServers`/`iceTransportPolicy` (ice.ts): TURN for the check's transport. */
export interface CheckStartResult extends IceSettings {
  routerRtpCapabilities: unknown;
  transport: TransportOptions;
}
export interface CheckStats {
  iceState: string;
  dtlsState: string;
  /** Bytes of RTP the SFU received from this client. */
  bytesReceived: number;
}
