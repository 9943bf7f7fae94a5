import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { ProducerAppData } from '../mediaPeer.js';
import type { RtcListenOptions } from '../transports.js';
import { type LinkMessage, type LinkPort, parseLinkMessage } from './linkMessages.js';

/** A mirror that closed meanwhile cannot be paused or resumed: nothing to do. */
const ignore = () => {};

/** Where a pipe transport listens, and what the other end needs to send to it. */
export interface PipeTuple {
  ip: string;
  port: number;
  srtpParameters: types.SrtpParameters;
}

export interface PipeLinkEvents {
  /** The other end's producer is now a producer on this router (same id, same appData). */
  producer: [producer: types.Producer<ProducerAppData>];
  /** The other end's viewers now want this top layer of one of our producers. */
  want: [producerId: string];
  speaker: [peerId: string | null];
  /** A producer of the other end could not be mirrored here (reported; the link stays). */
  error: [error: Error];
  /** Idempotent end: the channel or the pipe transport went; everything mirrored here closed with it. */
  close: [];
}

/**
 * Opens this node's pipe transport of a room's link on `router`: UDP on the media port range, SRTP (the
 * link may cross a network the cluster does not own) and RTX/NACK (the nodes may be apart). The other end
 * connects to {@link tupleOf} it; this end connects with {@link connectPipe}.
 */
export async function openPipe(router: types.Router, rtc: RtcListenOptions): Promise<types.PipeTransport> {
  return router.createPipeTransport({
    listenInfo: {
      protocol: 'udp',
      ip: rtc.listenIp,
      portRange: { min: rtc.minPort, max: rtc.maxPort },
      ...(rtc.announcedAddress ? { announcedAddress: rtc.announcedAddress } : {}),
    },
    enableSrtp: true,
    enableRtx: true,
  });
}

export function tupleOf(pipe: types.PipeTransport): PipeTuple {
  const { localAddress, localIp, localPort } = pipe.tuple;
  if (!pipe.srtpParameters) throw new Error('the pipe transport was opened without SRTP');
  return { ip: localAddress ?? localIp, port: localPort, srtpParameters: pipe.srtpParameters };
}

export async function connectPipe(pipe: types.PipeTransport, to: PipeTuple): Promise<void> {
  await pipe.connect({ ip: to.ip, port: to.port, srtpParameters: to.srtpParameters });
}

/**
 * One end of the media link of a room between two nodes (docs/SCALING.md "A room bigger than one node"):
 * a connected PipeTransport on this node's router of the room, and a message channel to the other end.
 * What `offer` is given becomes a producer with the same id on the other node's router, and what the
 * other end offers becomes one here (`producer` event); pause, resume and close follow over the channel
 * (mediasoup's `pipeToRouter` does the same bookkeeping inside one process). Viewer wants (dynacast) and
 * the active speaker travel along. Closing either end, the channel or the router closes the link, and with
 * it every producer mirrored here.
 */
export class PipeLink extends EventEmitter<PipeLinkEvents> {
  /** Our producers piped to the other end: their pipe consumers. */
  readonly #offered = new Map<string, Promise<types.Consumer | undefined>>();
  /** The other end's producers mirrored here (pending while mediasoup makes them). */
  readonly #mirrored = new Map<string, Promise<types.Producer<ProducerAppData> | undefined>>();
  /** The other end's wants for our producers. */
  readonly #wants = new Map<string, number>();
  #closed = false;

  constructor(
    /** The node at the other end. */
    readonly nodeId: string,
    private readonly pipe: types.PipeTransport,
    private readonly port: LinkPort,
  ) {
    super();
    port.onMessage((event, payload) => this.#receive(event, payload));
    port.onClose(() => this.close());
    pipe.observer.once('close', () => this.close());
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Producers of the other end mirrored here now. */
  async mirrored(): Promise<Array<types.Producer<ProducerAppData>>> {
    const all = await Promise.all(this.#mirrored.values());
    return all.filter((p): p is types.Producer<ProducerAppData> => p !== undefined && !p.closed);
  }

  /** True when `producerId` came from the other end (so it is never offered back). */
  mirrors(producerId: string): boolean {
    return this.#mirrored.has(producerId);
  }

  /** The top layer the other end's viewers want of our producer, if they said. */
  wantOf(producerId: string): number | undefined {
    return this.#offered.has(producerId) ? this.#wants.get(producerId) : undefined;
  }

  /** Pipes `producer` to the other end (once); its pause, resume and close follow. */
  offer(producer: types.Producer<ProducerAppData>): Promise<void> {
    if (this.#closed || producer.closed || this.#mirrored.has(producer.id)) return Promise.resolve();
    let offered = this.#offered.get(producer.id);
    if (!offered) {
      offered = this.#pipeOut(producer);
      this.#offered.set(producer.id, offered);
    }
    return offered.then(() => {});
  }

  want(producerId: string, spatialLayer: number): void {
    this.#send('link:want', { producerId, spatialLayer });
  }

  speaker(peerId: string | null): void {
    this.#send('link:speaker', { peerId });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // The pipe's consumers and the mirrored producers close with it (their viewers see consumerClosed).
    this.pipe.close();
    this.port.close();
    this.emit('close');
    this.removeAllListeners();
  }

  async #pipeOut(producer: types.Producer<ProducerAppData>): Promise<types.Consumer | undefined> {
    const consumer = await this.pipe.consume({ producerId: producer.id });
    if (this.#closed || consumer.closed) {
      consumer.close();
      return undefined;
    }
    const producerId = producer.id;
    consumer.on('producerpause', () => this.#send('link:producerPaused', { producerId }));
    consumer.on('producerresume', () => this.#send('link:producerResumed', { producerId }));
    consumer.observer.once('close', () => {
      this.#offered.delete(producerId);
      this.#wants.delete(producerId);
      this.#send('link:producerClosed', { producerId });
    });
    const { peerId, source } = producer.appData;
    this.#send('link:produce', {
      producerId,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters as unknown as Record<string, unknown>,
      paused: consumer.producerPaused,
      appData: { peerId, source },
    });
    return consumer;
  }

  #receive(event: string, payload: unknown): void {
    if (this.#closed) return;
    const m = parseLinkMessage(event, payload);
    if (!m) return; // not ours, or malformed: a newer node's message this one does not know
    const mirror = (producerId: string) => this.#mirrored.get(producerId);
    switch (m.event) {
      case 'link:produce':
        this.#mirror(m.data);
        break;
      case 'link:producerClosed':
        void mirror(m.data.producerId)
          ?.then((p) => p?.close())
          .catch(ignore);
        break;
      case 'link:producerPaused':
        void mirror(m.data.producerId)
          ?.then((p) => p?.pause())
          .catch(ignore);
        break;
      case 'link:producerResumed':
        void mirror(m.data.producerId)
          ?.then((p) => p?.resume())
          .catch(ignore);
        break;
      case 'link:want':
        if (!this.#offered.has(m.data.producerId)) break;
        this.#wants.set(m.data.producerId, m.data.spatialLayer);
        this.emit('want', m.data.producerId);
        break;
      case 'link:speaker':
        this.emit('speaker', m.data.peerId);
        break;
    }
  }

  #mirror(m: LinkMessage<'link:produce'>): void {
    if (this.#mirrored.has(m.producerId)) return;
    const made = this.pipe
      .produce({
        id: m.producerId,
        kind: m.kind,
        rtpParameters: m.rtpParameters as unknown as types.RtpParameters,
        paused: m.paused,
        appData: { peerId: m.appData.peerId, source: m.appData.source },
      })
      .then(
        (producer) => {
          producer.observer.once('close', () => {
            if (this.#mirrored.get(m.producerId) === made) this.#mirrored.delete(m.producerId);
          });
          if (!this.#closed) this.emit('producer', producer as types.Producer<ProducerAppData>);
          return producer as types.Producer<ProducerAppData>;
        },
        (err: Error) => {
          this.#mirrored.delete(m.producerId);
          // A pipe that closed meanwhile leaves nothing to mirror; anything else is worth a log line.
          if (!this.#closed) this.emit('error', err);
          return undefined;
        },
      );
    this.#mirrored.set(m.producerId, made);
  }

  #send<E extends Parameters<LinkPort['send']>[0]>(event: E, payload: LinkMessage<E>): void {
    if (!this.#closed) this.port.send(event, payload);
  }
}
