import type { TransportOptions } from '@tsudoi/protocol';
import type { types } from 'mediasoup';

/** Where WebRTC transports listen and what address they announce (production behind NAT). */
export interface RtcListenOptions {
  listenIp: string;
  announcedAddress: string | undefined;
  minPort: number;
  maxPort: number;
}

/** Creates a WebRtcTransport (UDP preferred, TCP fallback) on a router. */
export function createWebRtcTransport(
  router: types.Router,
  rtc: RtcListenOptions,
): Promise<types.WebRtcTransport> {
  const portRange = { min: rtc.minPort, max: rtc.maxPort };
  const base = {
    ip: rtc.listenIp,
    portRange,
    ...(rtc.announcedAddress ? { announcedAddress: rtc.announcedAddress } : {}),
  };
  return router.createWebRtcTransport({
    listenInfos: [
      { protocol: 'udp', ...base },
      { protocol: 'tcp', ...base },
    ],
    enableUdp: true,
    enableTcp: true,
    preferUdp: true,
    initialAvailableOutgoingBitrate: 1_000_000,
  });
}

/** The part of a transport the client needs to create its side. */
export function transportOptions(t: types.WebRtcTransport): TransportOptions {
  return {
    id: t.id,
    iceParameters: t.iceParameters,
    iceCandidates: t.iceCandidates,
    dtlsParameters: t.dtlsParameters,
  };
}
