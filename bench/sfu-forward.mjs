// Issue 14, load figure 2: how many consumers ONE mediasoup worker (one core) forwards before it loses
// packets or saturates its core — Tsudoi's media set-up against a minimal raw mediasoup script, in the same
// run. SENDERS synthetic senders (Opus-sized audio + VP8, simulcast by default, support/rtp.mjs) feed PlainTransports;
// viewers (one PlainTransport each, sending to a sink that never reads) consume every sender's audio and
// video; viewers are added STEP consumers at a time until forwarding or CPU fails the limits.
// See docs/BENCHMARKS.md "Issue 14 load figures — how to measure".
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as mediasoup from 'mediasoup';
import { producerParameters, RtpSender, udpSinks } from './support/rtp.mjs';

const env = (name, dflt) => Number(process.env[name] ?? dflt);
const SENDERS = env('SENDERS', 4);
const STEP = env('STEP', 100);
const STEP_SECONDS = env('STEP_SECONDS', 5);
const MAX_CONSUMERS = env('MAX_CONSUMERS', 4000);
/** A step fails when the sampled consumers forwarded less than this share of what their producers got… */
const MIN_FORWARDED = env('MIN_FORWARDED', 0.99);
/** …or the worker used more than this share of one core. */
const MAX_CPU = env('MAX_CPU', 0.9);
/** SIMULCAST=1: cameras as Tsudoi's (three layers, LAYER_KBPS); 0: one layer of VIDEO_KBPS. */
const SIMULCAST = env('SIMULCAST', 1);
const LAYER_KBPS = (process.env.LAYER_KBPS ?? '150,400,1000').split(',').map(Number);
/** The layer every viewer takes (0 = the smallest tiles); senders send layers 0…LAYER only (dynacast). */
const LAYER = env('LAYER', 0);
const VIDEO_KBPS = env('VIDEO_KBPS', 500);
/**
 * Wait after adding viewers before measuring: a key frame (PLI answered; one every 2 s anyway), and for
 * LAYER > 0 the move up, which mediasoup makes one layer at a time once a layer has sent for 2 s.
 */
const SETTLE_S = env('SETTLE_S', LAYER > 0 ? 7 : 2.5);
/** Consumers whose stats are read at each step (the newest viewer's and a spread over the rest). */
const STATS_SAMPLE = env('STATS_SAMPLE', 200);
const MODES = (process.env.MODES ?? 'raw,tsudoi').split(',');
const GOAL_SHARE = 0.95;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = path.resolve(ROOT, process.env.SERVER_DIST ?? 'apps/server/dist');
const load = (p) => import(pathToFileURL(path.join(DIST, p)).href);
const { MediaWorkerPool } = await load('media/workerPool.js');
const { START_LAYER } = await load('media/senderLayers.js');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let newestWorker;
mediasoup.observer.on('newworker', (w) => {
  newestWorker = w;
});

/**
 * raw: `createWorker()` with defaults, a router with Opus and VP8, consumers created running.
 * tsudoi: Tsudoi's MediaWorkerPool (its worker settings) and router (its MEDIA_CODECS), the room's
 * active-speaker observer fed by every microphone (as RoomMedia), consumers created as MediaPeer.consume
 * does (paused, video preferring START_LAYER, then resumed as a tile shows).
 */
async function open(mode) {
  if (mode === 'raw') {
    const worker = await mediasoup.createWorker({ logLevel: 'warn' });
    const router = await worker.createRouter({
      mediaCodecs: [
        { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
        { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
      ],
    });
    return { worker, router, close: () => worker.close() };
  }
  const pool = await MediaWorkerPool.start({ size: 1, logLevel: 'warn' });
  const worker = newestWorker;
  const router = await pool.createRouter();
  const observer = await router.createActiveSpeakerObserver({ interval: 300 });
  return { worker, router, observer, close: () => pool.close() };
}

const plain = (router, comedia) =>
  router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia });

async function run(mode, sink) {
  const media = await open(mode);
  const { worker, router } = media;
  const producers = [];
  const senders = [];
  for (let i = 0; i < SENDERS; i++) {
    const t = await plain(router, true);
    const audioSsrc = 1000 + i * 10;
    const layers = SIMULCAST
      ? LAYER_KBPS.map((kbps, l) => ({ ssrc: 1001 + i * 10 + l, kbps }))
      : [{ ssrc: 1001 + i * 10, kbps: VIDEO_KBPS }];
    const peer = { peerId: `sender-${i}` };
    const mic = await t.produce({
      kind: 'audio',
      rtpParameters: producerParameters('audio', audioSsrc),
      appData: { ...peer, source: 'mic' },
    });
    const cam = await t.produce({
      kind: 'video',
      rtpParameters: producerParameters(
        'video',
        layers.map((l) => l.ssrc),
      ),
      appData: { ...peer, source: 'camera' },
    });
    if (media.observer) await media.observer.addProducer({ producerId: mic.id });
    // The stream each consumer of these producers should forward: what the forwarded share is measured against.
    mic.appData.wantedSsrc = audioSsrc;
    cam.appData.wantedSsrc = layers[SIMULCAST ? LAYER : 0].ssrc;
    producers.push(mic, cam);
    const sending = SIMULCAST ? layers.slice(0, LAYER + 1) : layers;
    const s = new RtpSender(t.tuple.localPort, { audioSsrc, video: sending });
    s.start();
    senders.push(s);
  }
  // The sink sends no RTCP feedback, so a bandwidth estimate (transport-cc, REMB) would stay at its start
  // value and cap the layers; viewers declare neither, and every consumer forwards the layer it asks for.
  const caps = {
    ...router.rtpCapabilities,
    codecs: router.rtpCapabilities.codecs.map((c) => ({
      ...c,
      rtcpFeedback: (c.rtcpFeedback ?? []).filter((f) => f.type !== 'transport-cc' && f.type !== 'goog-remb'),
    })),
    headerExtensions: router.rtpCapabilities.headerExtensions.filter(
      (h) => !/transport-wide-cc|abs-send-time/.test(h.uri),
    ),
  };
  const consumers = [];
  const addViewer = async (v) => {
    const t = await plain(router, false);
    await t.connect({ ip: '127.0.0.1', port: sink.ports[v % sink.ports.length] });
    for (const p of producers) {
      const tsudoi = mode === 'tsudoi';
      const c = await t.consume({
        producerId: p.id,
        rtpCapabilities: caps,
        paused: tsudoi,
        ...(tsudoi && p.kind === 'video' ? { preferredLayers: { spatialLayer: START_LAYER } } : {}),
      });
      if (tsudoi) {
        // The tile asks for its layer (MediaPeer.setConsumerLayers), then shows (resume).
        if (SIMULCAST && p.kind === 'video' && LAYER !== START_LAYER)
          await c.setPreferredLayers({ spatialLayer: LAYER });
        await c.resume();
      } else if (SIMULCAST && p.kind === 'video') await c.setPreferredLayers({ spatialLayer: LAYER });
      c.appData.producer = p;
      consumers.push(c);
    }
  };
  /**
   * Packets each sampled consumer sent, packets its producer received on the stream the consumer should
   * forward (so a consumer stuck on a lower layer, or forwarding nothing, counts as loss), and the worker's
   * CPU milliseconds.
   */
  const snapshot = async (sample) => {
    const u = await worker.getResourceUsage();
    const received = new Map();
    for (const p of producers) for (const st of await p.getStats()) received.set(st.ssrc, st.packetCount);
    const stats = await Promise.all(sample.map((c) => c.getStats()));
    return {
      at: performance.now(),
      cpuMs: u.ru_utime + u.ru_stime,
      sent: stats.map((s) => s.find((x) => x.type === 'outbound-rtp')?.packetCount ?? 0),
      got: sample.map((c) => received.get(c.appData.producer.appData.wantedSsrc) ?? 0),
    };
  };
  const steps = [];
  let viewers = 0;
  try {
    await sleep(1_000);
    while (consumers.length + STEP <= MAX_CONSUMERS) {
      const target = consumers.length + STEP;
      while (consumers.length < target) await addViewer(viewers++);
      await sleep(SETTLE_S * 1000); // key frames for the new consumers (and their move up to LAYER)
      const stride = Math.max(1, Math.floor(consumers.length / STATS_SAMPLE));
      const sample = consumers.filter((_, i) => i % stride === 0 || i >= consumers.length - producers.length);
      const a = await snapshot(sample);
      await sleep(STEP_SECONDS * 1000);
      const b = await snapshot(sample);
      const seconds = (b.at - a.at) / 1000;
      const sent = b.sent.reduce((s, v, i) => s + v - a.sent[i], 0);
      const got = b.got.reduce((s, v, i) => s + v - a.got[i], 0);
      const step = {
        consumers: consumers.length,
        viewers,
        cpu: Math.round(((b.cpuMs - a.cpuMs) / 1000 / seconds) * 1000) / 1000,
        forwarded: got ? Math.round((sent / got) * 10_000) / 10_000 : 0,
        packetsOutPerS: Math.round((sent / sample.length / seconds) * consumers.length),
      };
      step.workerUsPerPacket = Math.round((step.cpu * 1e6) / Math.max(1, step.packetsOutPerS));
      step.ok = step.cpu <= MAX_CPU && step.forwarded >= MIN_FORWARDED;
      steps.push(step);
      console.log(
        `${mode.padEnd(7)} ${String(step.consumers).padStart(6)} consumers  worker CPU ${(step.cpu * 100).toFixed(1).padStart(5)} %  forwarded ${(step.forwarded * 100).toFixed(2).padStart(6)} %  ~${step.packetsOutPerS} packets/s out (${step.workerUsPerPacket} µs CPU each)${step.ok ? '' : '  ← limit'}`,
      );
      if (!step.ok) break;
    }
  } finally {
    for (const s of senders) s.stop();
    media.close();
  }
  const carried = steps.filter((s) => s.ok).at(-1)?.consumers ?? 0;
  return { carried, limitedBy: steps.at(-1)?.ok ? 'MAX_CONSUMERS' : 'loss or CPU', steps };
}

const sink = await udpSinks(16);
const results = {};
let failed = false;
try {
  for (const mode of MODES) results[mode] = await run(mode, sink);
} catch (err) {
  console.error(err);
  failed = true;
} finally {
  sink.close();
}
if (!failed) {
  // Both modes stopped by MAX_CONSUMERS compare nothing: no share then.
  const limited = MODES.some((m) => results[m].limitedBy !== 'MAX_CONSUMERS');
  const share = limited && results.raw?.carried ? results.tsudoi?.carried / results.raw.carried : null;
  const summary = {
    senders: SENDERS,
    video: SIMULCAST ? { simulcastKbps: LAYER_KBPS, layerTaken: LAYER } : { kbps: VIDEO_KBPS },
    limits: { minForwarded: MIN_FORWARDED, maxCpu: MAX_CPU },
    raw: results.raw,
    tsudoi: results.tsudoi,
    tsudoiShareOfRaw: share == null ? null : Math.round(share * 1000) / 1000,
    goal: `tsudoi ≥ ${GOAL_SHARE * 100} % of raw`,
    cpus: os.availableParallelism(),
    node: process.version,
    mediasoup: mediasoup.version,
    loadAvg1m: Math.round(os.loadavg()[0] * 100) / 100,
  };
  console.log(JSON.stringify(summary));
  for (const m of MODES)
    console.log(
      `${m.padEnd(7)} carried ${results[m].carried} consumers (stopped by ${results[m].limitedBy})`,
    );
  if (MODES.every((m) => results[m].limitedBy === 'MAX_CONSUMERS'))
    console.log('no limit reached: raise MAX_CONSUMERS (no Tsudoi / raw share without one)');
  if (share != null)
    console.log(
      `tsudoi / raw = ${(share * 100).toFixed(1)} %   goal ≥ ${GOAL_SHARE * 100} % ${share >= GOAL_SHARE ? 'met' : 'NOT met'}`,
    );
}
process.exit(failed ? 1 : 0);
