import type { types } from 'mediasoup';

/**
 * What a browser's microphone and simulcast camera (three VP8 layers with RTX) offer when they produce, for
 * tests that produce over signalling without a real browser. Each call takes fresh SSRCs and a fresh mid
 * (a transport refuses a repeated one).
 */
let ssrc = 10_000;

export function micRtp(cname = 'test'): types.RtpParameters {
  return {
    mid: `mic${ssrc}`,
    codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {} }],
    headerExtensions: [],
    encodings: [{ ssrc: ssrc++ }],
    rtcp: { cname },
  };
}

export function cameraRtp(cname = 'test'): types.RtpParameters {
  return {
    mid: `camera${ssrc}`,
    codecs: [
      { mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, parameters: {} },
      { mimeType: 'video/rtx', payloadType: 97, clockRate: 90000, parameters: { apt: 96 } },
    ],
    headerExtensions: [],
    encodings: [0, 1, 2].map(() => ({ ssrc: ssrc++, rtx: { ssrc: ssrc++ } })),
    rtcp: { cname },
  };
}
