import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProducerAppData } from '../mediaPeer.js';
import { MediaWorkerPool } from '../workerPool.js';
import type { LinkPort } from './linkMessages.js';
import { connectPipe, openPipe, PipeLink, tupleOf } from './pipeLink.js';

const rtc = { listenIp: '127.0.0.1', announcedAddress: undefined, minPort: 46000, maxPort: 46999 };
const opus = { mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {} };

/** Two ends of an in-memory channel that delivers like a socket: in order, asynchronously. */
function portPair(): [LinkPort & { malformed(e: string, p: unknown): void }, LinkPort] {
  const wires = [new EventEmitter(), new EventEmitter()] as const;
  const end = (mine: EventEmitter, theirs: EventEmitter) => ({
    send: (event: string, payload: unknown) => setImmediate(() => theirs.emit('message', event, payload)),
    malformed: (event: string, payload: unknown) =>
      setImmediate(() => theirs.emit('message', event, payload)),
    onMessage: (h: (e: string, p: unknown) => void) => void mine.on('message', h),
    onClose: (h: () => void) => void mine.once('closed', h),
    close: () => {
      mine.emit('closed');
      theirs.emit('closed');
    },
  });
  return [end(wires[0], wires[1]), end(wires[1], wires[0])];
}

/** Opus-shaped RTP packets into a PlainTransport, from a UDP socket of the test's own. */
async function rtpSender(plain: types.PlainTransport, ssrc: number) {
  const socket = dgram.createSocket('udp4');
  let seq = 0;
  const timer = setInterval(() => {
    const packet = Buffer.alloc(12 + 40, 0xab);
    packet.writeUInt8(0x80, 0);
    packet.writeUInt8(111, 1);
    packet.writeUInt16BE(seq++ & 0xffff, 2);
    packet.writeUInt32BE((seq * 960) >>> 0, 4);
    packet.writeUInt32BE(ssrc, 8);
    socket.send(packet, plain.tuple.localPort, '127.0.0.1');
  }, 20);
  return {
    stop: () => {
      clearInterval(timer);
      socket.close();
    },
  };
}

/** A UDP socket a PlainTransport consumer sends to; counts the RTP packets that arrive. */
async function rtpReceiver() {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  const got = { packets: 0, ssrcs: new Set<number>() };
  socket.on('message', (m) => {
    if (m.length < 12 || (m.readUInt8(1) >= 192 && m.readUInt8(1) <= 223)) return; // RTCP, not RTP
    got.packets++;
    got.ssrcs.add(m.readUInt32BE(8));
  });
  return { port: socket.address().port, got, stop: () => socket.close() };
}

describe('a media link between two nodes (PipeTransports over a message channel)', () => {
  let pool: MediaWorkerPool;
  const stops: Array<() => void> = [];
  beforeEach(async () => {
    // Two workers stand for two nodes: nothing but the link's pipe and messages joins their routers.
    pool = await MediaWorkerPool.start({ size: 2 });
  });
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
    pool.close();
  });

  async function link() {
    const a = await pool.createRouter();
    const b = await pool.createRouter({ awayFrom: [a] });
    const [pipeA, pipeB] = await Promise.all([openPipe(a, rtc), openPipe(b, rtc)]);
    await Promise.all([connectPipe(pipeA, tupleOf(pipeB)), connectPipe(pipeB, tupleOf(pipeA))]);
    const [portA, portB] = portPair();
    const onA = new PipeLink('node-b', pipeA, portA);
    const onB = new PipeLink('node-a', pipeB, portB);
    const mirroredOnB: Array<types.Producer<ProducerAppData>> = [];
    onB.on('producer', (p) => mirroredOnB.push(p));
    stops.push(() => onA.close());
    return { a, b, onA, onB, portA, mirroredOnB };
  }

  async function micOn(router: types.Router, peerId: string, ssrc: number) {
    const plain = await router.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
      rtcpMux: true,
      comedia: true,
    });
    const producer = (await plain.produce({
      kind: 'audio',
      rtpParameters: { codecs: [opus], encodings: [{ ssrc }], headerExtensions: [] },
      appData: { peerId, source: 'mic' },
    })) as types.Producer<ProducerAppData>;
    const sender = await rtpSender(plain, ssrc);
    stops.push(sender.stop);
    return producer;
  }

  async function listen(router: types.Router, producerId: string) {
    const receiver = await rtpReceiver();
    stops.push(receiver.stop);
    const plain = await router.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
      rtcpMux: true,
      comedia: false,
    });
    await plain.connect({ ip: '127.0.0.1', port: receiver.port });
    const consumer = await plain.consume({ producerId, rtpCapabilities: router.rtpCapabilities });
    return { consumer, got: receiver.got };
  }

  it('RTP sent to a producer on node A reaches a consumer on node B; mute and unmute follow', async () => {
    const { a, b, onA, mirroredOnB } = await link();
    const mic = await micOn(a, 'aiko', 1111);
    await onA.offer(mic);
    await expect
      .poll(() => mirroredOnB.map((p) => [p.id, p.appData.peerId, p.appData.source]))
      .toEqual([[mic.id, 'aiko', 'mic']]);
    const { consumer, got } = await listen(b, mic.id);
    await expect.poll(() => got.packets, { timeout: 10_000 }).toBeGreaterThan(10);
    expect(got.ssrcs.size).toBe(1);

    // Muting on A pauses the mirror on B (its consumers hear nothing), unmuting resumes it.
    await mic.pause();
    await expect.poll(() => consumer.producerPaused).toBe(true);
    const during = got.packets;
    await mic.resume();
    await expect.poll(() => consumer.producerPaused).toBe(false);
    await expect.poll(() => got.packets, { timeout: 10_000 }).toBeGreaterThan(during + 10);
  });

  it('a producer closed on A closes its mirror on B; closing the channel closes the link and every mirror', async () => {
    const { a, b, onA, onB, portA, mirroredOnB } = await link();
    const [first, second] = [await micOn(a, 'aiko', 2222), await micOn(a, 'ben', 3333)];
    await Promise.all([onA.offer(first), onA.offer(second), onA.offer(first)]);
    await expect.poll(() => mirroredOnB.length).toBe(2); // offered twice, mirrored once
    const { consumer } = await listen(b, second.id);
    first.close();
    await expect.poll(() => mirroredOnB[0]?.closed).toBe(true);
    expect((await onB.mirrored()).map((p) => p.appData.peerId)).toEqual(['ben']);
    expect(onB.mirrors(second.id)).toBe(true);

    const closed = new Promise((r) => onB.once('close', () => r('closed')));
    portA.close();
    expect(await closed).toBe('closed');
    expect(onA.closed && onB.closed).toBe(true);
    await expect.poll(() => consumer.closed).toBe(true);
    expect(mirroredOnB[1]?.closed).toBe(true);
    expect(second.closed).toBe(false); // the original is A's, untouched
  });

  it("viewers' wants travel to the producer's end; malformed or unknown messages are ignored", async () => {
    const { a, onA, onB, portA, mirroredOnB } = await link();
    const mic = await micOn(a, 'aiko', 4444);
    await onA.offer(mic);
    await expect.poll(() => mirroredOnB.length).toBe(1);
    const wanted = new Promise((r) => onA.once('want', r));
    onB.want(mic.id, 2);
    expect(await wanted).toBe(mic.id);
    expect(onA.wantOf(mic.id)).toBe(2);
    // A want for a producer A never offered is not A's business.
    onB.want('not-offered', 1);
    const speaker = new Promise((r) => onB.once('speaker', r));
    (portA as unknown as { malformed(e: string, p: unknown): void }).malformed('link:produce', {
      producerId: 7,
    });
    (portA as unknown as { malformed(e: string, p: unknown): void }).malformed('link:unknown', {});
    onA.speaker('aiko');
    expect(await speaker).toBe('aiko');
    expect(onA.wantOf('not-offered')).toBeUndefined();
    expect(mirroredOnB.length).toBe(1);
    expect(onB.closed).toBe(false);
  });
});
