import type { TransportOptions } from '@tsudoi/protocol';
import type { types } from 'mediasoup';

/** Where WebRTC transports listen and what address they announce (production behind NAT). */
export interface RtcListenOptions {
  listenIp: string;
  announcedAddress: string | undefined;
  /** Per-transport ports (when {@link RtcListenOptions.port} is unset): each transport takes one of these. */
  minPort: number;
  maxPort: number;
  /**
   * RTC_PORT: the node's first media port. Worker i runs a WebRtcServer on UDP and TCP port `port + i`
   * and every transport of its routers shares it (mediasoup workers cannot share a port), so a node opens
   * `port … port + workers − 1`, UDP and TCP, and nothing else. Unset: per-transport ports as above.
   */
  port?: number | undefined;
}

/** What the worker pool needs to give each worker its WebRtcServer. */
export interface WebRtcServerPlan {
  listenIp: string;
  announcedAddress: string | undefined;
  /** The first worker's port; worker i listens on `port + i` (UDP and TCP). */
  port: number;
}

/** The WebRtcServer plan of these settings, or undefined when transports take their own ports. */
export function webRtcServerPlan(rtc: RtcListenOptions): WebRtcServerPlan | undefined {
  if (rtc.port === undefined) return undefined;
  return { listenIp: rtc.listenIp, announcedAddress: rtc.announcedAddress, port: rtc.port };
}

/** Worker `index`'s WebRtcServer: one UDP and one TCP socket on `port + index`. */
export function webRtcServerOptions(plan: WebRtcServerPlan, index: number): types.WebRtcServerOptions {
  const base = {
    ip: plan.listenIp,
    port: plan.port + index,
    ...(plan.announcedAddress ? { announcedAddress: plan.announcedAddress } : {}),
  };
  return {
    listenInfos: [
      { protocol: 'udp', ...base },
      { protocol: 'tcp', ...base },
    ],
  };
}

/** Set by the worker pool on routers of a worker that runs a WebRtcServer. */
export interface RouterAppData extends types.AppData {
  webRtcServer?: types.WebRtcServer;
}

/**
 * Creates a WebRtcTransport (UDP preferred, TCP fallback) on a router: on its worker's WebRtcServer when
 * it has one (the node's fixed ports), otherwise on ports of its own from `rtc`'s range.
 */
export function createWebRtcTransport(
  router: types.Router,
  rtc: RtcListenOptions,
): Promise<types.WebRtcTransport> {
  const webRtcServer = (router.appData as RouterAppData).webRtcServer;
  if (webRtcServer) {
    return router.createWebRtcTransport({
      webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: 1_000_000,
    });
  }
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
