// A synthetic RTP sender (no ffmpeg or GStreamer needed): correct RTP headers, an Opus-sized audio
// stream (50 packets/s) and a VP8 video stream whose payload carries a real VP8 payload descriptor and
// frame header (key frames every 2 s and on a PLI), RTCP sender reports, so an SFU parses and forwards it
// like a camera: one
// layer, or simulcast (one SSRC per layer, lowest first, same frame timing). The payload bytes are not
// decodable video; the SFU never decodes.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';

export const AUDIO_PT = 100;
export const VIDEO_PT = 101;

/**
 * RTP parameters for `transport.produce` matching what {@link RtpSender} sends: `ssrcs` is the audio SSRC,
 * or the video layers' SSRCs (lowest first; more than one = simulcast).
 */
export const producerParameters = (kind, ssrcs) =>
  kind === 'audio'
    ? {
        codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO_PT, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc: ssrcs }],
      }
    : {
        codecs: [{ mimeType: 'video/VP8', payloadType: VIDEO_PT, clockRate: 90000 }],
        encodings: ssrcs.map((ssrc) => ({ ssrc })),
      };

function rtpHeader(pt, marker, seq, ts, ssrc) {
  const h = Buffer.alloc(12);
  h[0] = 0x80; // version 2, no padding, no extension, no CSRC
  h[1] = (marker ? 0x80 : 0) | pt;
  h.writeUInt16BE(seq & 0xffff, 2);
  h.writeUInt32BE(ts >>> 0, 4);
  h.writeUInt32BE(ssrc >>> 0, 8);
  return h;
}

/**
 * Sends one audio stream and video layers to a PlainTransport (comedia, rtcp-mux) at `port` on 127.0.0.1.
 * `video` lists the layers that send, `{ ssrc, kbps }` each (30 frames/s, packets of ≤ 1,100 payload bytes);
 * a simulcast layer nobody watches is simply left out (as a dynacast sender pauses it).
 */
export class RtpSender {
  packets = 0;
  #socket = dgram.createSocket('udp4');
  #audioSeq = 0;
  #frames = { audio: 0, video: 0 };
  #keyFrameWanted = true;
  #lastReport = -Infinity;
  #timer;
  #t0;

  constructor(port, { audioSsrc, video }) {
    this.port = port;
    this.audioSsrc = audioSsrc;
    this.layers = video.map(({ ssrc, kbps }) => ({
      ssrc,
      seq: 0,
      frameBytes: Math.max(20, Math.round((kbps * 1000) / 8 / 30)),
    }));
    // RTCP back from the SFU (compound packets): a PLI (payload type 206, FMT 1) or FIR (206, FMT 4)
    // asks for a key frame.
    this.#socket.on('message', (msg) => {
      for (let off = 0; off + 4 <= msg.length; off += (msg.readUInt16BE(off + 2) + 1) * 4) {
        const fmt = msg[off] & 0x1f;
        if (msg[off + 1] === 206 && (fmt === 1 || fmt === 4)) this.#keyFrameWanted = true;
      }
    });
  }

  start() {
    this.#t0 = performance.now();
    this.#timer = setInterval(() => this.#tick(), 5);
  }

  stop() {
    clearInterval(this.#timer);
    this.#socket.close();
  }

  #send(buf) {
    this.packets++;
    this.#socket.send(buf, this.port, '127.0.0.1');
  }

  /**
   * RTCP sender reports (once a second per stream): they map each stream's RTP clock to wall time, which
   * an SFU needs before it switches a consumer from one simulcast layer to another.
   */
  #senderReports(elapsed) {
    if (elapsed - this.#lastReport < 1000) return;
    this.#lastReport = elapsed;
    const wallMs = performance.timeOrigin + this.#t0 + elapsed;
    const ntpSeconds = Math.floor(wallMs / 1000) + 2_208_988_800;
    const ntpFraction = Math.floor(((wallMs % 1000) / 1000) * 2 ** 32);
    const streams = [
      { ssrc: this.audioSsrc, ts: Math.floor(elapsed * 48) },
      ...this.layers.map((l) => ({ ssrc: l.ssrc, ts: Math.floor(elapsed * 90) })),
    ];
    for (const { ssrc, ts } of streams) {
      const sr = Buffer.alloc(28);
      sr[0] = 0x80; // version 2, no reception report blocks
      sr[1] = 200; // SR
      sr.writeUInt16BE(6, 2); // length in 32-bit words minus one
      sr.writeUInt32BE(ssrc >>> 0, 4);
      sr.writeUInt32BE(ntpSeconds >>> 0, 8);
      sr.writeUInt32BE(ntpFraction >>> 0, 12);
      sr.writeUInt32BE(ts >>> 0, 16);
      this.#socket.send(sr, this.port, '127.0.0.1');
    }
  }

  #tick() {
    const elapsed = performance.now() - this.#t0;
    for (; this.#frames.audio < Math.floor(elapsed / 20); this.#frames.audio++) {
      const f = this.#frames.audio;
      const payload = Buffer.alloc(80, f & 0xff); // ~32 kbps Opus frame size
      this.#send(
        Buffer.concat([rtpHeader(AUDIO_PT, false, this.#audioSeq++, f * 960, this.audioSsrc), payload]),
      );
    }
    for (; this.#frames.video < Math.floor(elapsed / (1000 / 30)); this.#frames.video++) {
      const f = this.#frames.video;
      const key = this.#keyFrameWanted || f % 60 === 0;
      this.#keyFrameWanted = false;
      for (const layer of this.layers) this.#sendFrame(layer, f * 3000, key);
    }
    // After the packets: an SFU ignores a report for a stream whose first packet it has not seen yet.
    this.#senderReports(elapsed);
  }

  #sendFrame(layer, ts, key) {
    const frame = Buffer.alloc(layer.frameBytes, 0x5a);
    // VP8 frame header: bit 0 of the first byte is 0 for a key frame, followed (key frames) by the start
    // code 9d 01 2a and 640×360.
    frame[0] = key ? 0x10 : 0x11;
    if (key) {
      frame.set([0x9d, 0x01, 0x2a], 3);
      frame.writeUInt16LE(640, 6);
      frame.writeUInt16LE(360, 8);
    }
    for (let off = 0; off < frame.length; off += 1100) {
      const chunk = frame.subarray(off, off + 1100);
      const last = off + 1100 >= frame.length;
      // VP8 payload descriptor: S (start of partition 0) on the frame's first packet.
      const descriptor = Buffer.from([off === 0 ? 0x10 : 0x00]);
      const header = rtpHeader(VIDEO_PT, last, layer.seq++, ts, layer.ssrc);
      this.#send(Buffer.concat([header, descriptor, chunk]));
    }
  }
}

// The sink: a child process binds UDP sockets, prints their ports, then blocks its event loop for good, so
// nothing is ever read: the kernel drops what overflows the sockets' buffers and the sink costs no CPU.
const SINK = `
const dgram = require('node:dgram');
const n = Number(process.argv[1]);
const socks = Array.from({ length: n }, () => dgram.createSocket('udp4'));
let bound = 0;
for (const s of socks) s.bind(0, '127.0.0.1', () => {
  if (++bound < n) return;
  require('node:fs').writeSync(1, JSON.stringify(socks.map((x) => x.address().port)) + '\\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
});`;

/** `count` UDP ports on 127.0.0.1 that swallow what the SFU forwards (for PlainTransport.connect). */
export async function udpSinks(count) {
  const child = spawn(process.execPath, ['-e', SINK, String(count)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const ports = await new Promise((resolve, reject) => {
    child.stdout.on('data', (b) => {
      out += b;
      if (out.includes('\n')) resolve(JSON.parse(out));
    });
    child.once('exit', (code) => reject(new Error(`the UDP sink exited with ${code}`)));
  });
  return { ports, close: () => child.kill('SIGKILL') };
}
