import type { ClientToServerEvents, MediaNewConsumer, MediaSource } from '@tsudoi/protocol';
import type { Consumer, Transport } from 'mediasoup-client/types';
import type { request } from '../realtime/socket';
import { mediaActions } from '../state/mediaSlice';
import { RESUME_ATTEMPTS, shouldRetryRequest } from './mediaPolicy';
import { codeOf, Superseded } from './mediaSignal';
import { trace } from './mediaTrace';

interface Remote {
  consumer: Consumer;
  peerId: string;
  source: MediaSource;
}

/** What consuming needs from the client: its join generation and what to do when a stream is lost. */
export interface ConsumeContext {
  /** The current join generation. */
  generation(): number;
  /** A request on behalf of generation `gen`: refused (Superseded) once a newer one started. */
  request<E extends keyof ClientToServerEvents>(
    gen: number,
    event: E,
    payload: Parameters<typeof request<E>>[1],
  ): ReturnType<typeof request<E>>;
  /** A stream of generation `gen` could not be set up: the client joins again shortly. */
  lost(gen: number, err: unknown): void;
}

/**
 * The other participants' streams on this page: consumers the server made (paused) on the receive
 * transport, turned into per-peer tiles in the media store.
 */
export class RemoteStreams {
  readonly #remotes = new Map<string, Remote>();

  constructor(private readonly ctx: ConsumeContext) {}

  /**
   * Attaches consumers of generation `gen` and resumes them. All are asked for in the same tick, so
   * mediasoup-client sets them up in one SDP negotiation (after a restart a page gets every stream of
   * the room at once), and their resumes go out together. A stream that cannot be attached or resumed
   * starts the join over.
   */
  async consume(recv: Transport, list: MediaNewConsumer[], gen: number): Promise<void> {
    await Promise.all(list.map((c) => this.#consumeOne(recv, c, gen)));
  }

  /** The consumer of a peer's camera or screen, for the tile that shows it. */
  find(peerId: string, source: MediaSource): Consumer | undefined {
    for (const r of this.#remotes.values()) if (r.peerId === peerId && r.source === source) return r.consumer;
    return undefined;
  }

  /** A consumer the server closed (its producer went): its tile loses the stream. */
  drop(consumerId: string): void {
    const remote = this.#remotes.get(consumerId);
    if (!remote) return;
    this.#remotes.delete(consumerId);
    remote.consumer.close();
    // A newer consumer of the same stream may already show in the tile: leave that one alone.
    if (!this.find(remote.peerId, remote.source)) mediaActions.setStream(remote.peerId, remote.source, null);
  }

  /** Forgets every remote stream (their transport closed). */
  clear(): void {
    this.#remotes.clear();
    mediaActions.clearRemote();
  }

  async #consumeOne(recv: Transport, c: MediaNewConsumer, gen: number): Promise<void> {
    let consumer: Consumer;
    try {
      consumer = await recv.consume({
        id: c.consumerId,
        producerId: c.producerId,
        kind: c.kind,
        rtpParameters: c.rtpParameters as Parameters<Transport['consume']>[0]['rtpParameters'],
      });
    } catch (err) {
      if (gen === this.ctx.generation() && !recv.closed) this.ctx.lost(gen, err);
      return;
    }
    if (gen !== this.ctx.generation() || consumer.closed) return consumer.close();
    this.#remotes.set(consumer.id, { consumer, peerId: c.peerId, source: c.source });
    mediaActions.setStream(c.peerId, c.source, new MediaStream([consumer.track]));
    mediaActions.setPaused(c.peerId, c.source, c.producerPaused);
    trace('consumed', `${c.peerId}/${c.source}`);
    consumer.track.addEventListener?.('unmute', () => trace('first packet', `${c.peerId}/${c.source}`), {
      once: true,
    });
    // Attached: now let media flow (it was created paused so no keyframe was lost).
    await this.#resume(consumer, gen);
  }

  /**
   * Resumes a new consumer at the SFU. A request that got no answer (a busy server, a refused burst) is
   * sent again; a consumer that is gone meanwhile is dropped; anything else starts the join over, since
   * a consumer left paused would keep that stream silent for good.
   */
  async #resume(consumer: Consumer, gen: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (gen !== this.ctx.generation() || consumer.closed) return;
      try {
        await this.ctx.request(gen, 'media:resumeConsumer', { consumerId: consumer.id });
        trace('resumed', consumer.id);
        return;
      } catch (err) {
        if (err instanceof Superseded || gen !== this.ctx.generation() || consumer.closed) return;
        if (codeOf(err) === 'NOT_FOUND') return this.drop(consumer.id);
        if (!shouldRetryRequest(codeOf(err)) || attempt >= RESUME_ATTEMPTS) return this.ctx.lost(gen, err);
        // A short pause so a rate-limited burst has room again.
        await new Promise((r) => setTimeout(r, 250 * attempt));
      }
    }
  }
}
