import type { CheckStats, TransportOptions } from '@tsudoi/protocol';
import type { types } from 'mediasoup';
import { AppError } from '../errors.js';
import { createWebRtcTransport, type RtcListenOptions, transportOptions } from './transports.js';
import type { MediaWorkerPool } from './workerPool.js';

/**
 * A client's connection check: its own router and one receiving transport, so a user can see that ICE,
 * DTLS and SRTP reach the SFU before joining a room. Owned by the socket; closed with it.
 */
export class ConnectionCheck {
  #router: types.Router | undefined;
  #transport: types.WebRtcTransport | undefined;
  #closed = false;
  /** Kinds produced (or being produced): one audio and one video at most. */
  readonly #kinds = new Set<types.MediaKind>();

  constructor(
    private readonly pool: MediaWorkerPool,
    private readonly rtc: RtcListenOptions,
  ) {}

  get closed(): boolean {
    return this.#closed;
  }

  async start(): Promise<{ routerRtpCapabilities: types.RtpCapabilities; transport: TransportOptions }> {
    if (this.#router) throw AppError.conflict('The connection check has already started.');
    this.#router = await this.pool.createRouter();
    if (this.#closed) {
      this.#router.close();
      throw AppError.conflict('The connection check was closed.');
    }
    this.#transport = await createWebRtcTransport(this.#router, this.rtc);
    return {
      routerRtpCapabilities: this.#router.rtpCapabilities,
      transport: transportOptions(this.#transport),
    };
  }

  async connect(dtlsParameters: types.DtlsParameters): Promise<void> {
    await this.#started().connect({ dtlsParameters });
  }

  /** One producer per kind (an audio and a video track are all a check needs); another is MEDIA_LIMIT. */
  async produce(kind: types.MediaKind, rtpParameters: types.RtpParameters): Promise<string> {
    const transport = this.#started();
    if (this.#kinds.has(kind))
      throw new AppError('MEDIA_LIMIT', `The connection check already has a ${kind} track.`);
    // Reserved before the await, so two at once cannot both pass.
    this.#kinds.add(kind);
    try {
      const producer = await transport.produce({ kind, rtpParameters });
      return producer.id;
    } catch (err) {
      this.#kinds.delete(kind);
      throw err;
    }
  }

  async stats(): Promise<CheckStats> {
    const t = this.#started();
    const [s] = await t.getStats();
    return { iceState: t.iceState, dtlsState: t.dtlsState, bytesReceived: s?.bytesReceived ?? 0 };
  }

  /** Idempotent; closing the router closes its transport and producers. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#router?.close();
  }

  #started(): types.WebRtcTransport {
    if (!this.#transport || this.#closed) throw AppError.conflict('Start the connection check first.');
    return this.#transport;
  }
}
