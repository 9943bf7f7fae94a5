import {
  type Ack,
  type FloorChanged,
  type FloorSnapshot,
  type MediaJoinResult,
  type MediaNewConsumer,
  type MediaProducerState,
  PROTOCOL_VERSION,
  type RoomSummary,
} from '@tsudoi/protocol';
import { io as connect, type Socket } from 'socket.io-client';
import type { ApiClient } from './apiClient.js';

/** A microphone's RTP parameters as a browser would send them (no browser needed to produce on a worker). */
let ssrc = 70_000;
const micRtp = () => ({
  mid: `mic${ssrc}`,
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {} }],
  headerExtensions: [],
  encodings: [{ ssrc: ssrc++ }],
  rtcp: { cname: 'talking-user' },
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A person in a talk, driven over socket.io the way the web app does it (apps/web/src/media): the socket
 * reconnects on its own (first try after 125–375 ms, then at most every 500 ms); every new connection's
 * floor snapshot re-enters the room the person was in, then joins its media (10 s request timeout, as the
 * page) — again and again while the
 * join is refused or names a node that is not reachable yet — and produces the microphone, paused while
 * muted (the mute state lives with the person, as on the page). What the person hears is tracked from the
 * consumers the server hands out and their paused state.
 */
export class TalkingUser {
  readonly socket: Socket;
  /** The room's participants as this person's floor shows them now. */
  readonly floor = new Map<string, RoomSummary>();
  /** producerId → who and whether the sender has it paused (muted), for this media session. */
  readonly hears = new Map<string, { peerId: string; paused: boolean }>();
  mediaReady = false;
  /** Media joins answered with `elsewhere` (the room hosted by another node) or refused meanwhile. */
  redirects = 0;
  /** `media:renegotiate` pushes received. */
  renegotiations = 0;
  #roomId: string | undefined;
  #session = 0;

  constructor(
    url: string,
    client: ApiClient,
    readonly workspaceId: string,
    readonly muted: boolean,
  ) {
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    this.socket = connect(url, {
      auth: { protocolVersion: PROTOCOL_VERSION, workspaceId },
      transports: ['websocket'],
      extraHeaders: { cookie },
      reconnectionDelay: 250,
      reconnectionDelayMax: 500,
      randomizationFactor: 0.5,
    });
    this.socket.on('floor:snapshot', (s: FloorSnapshot) => {
      this.floor.clear();
      for (const r of s.rooms) this.floor.set(r.id, r);
      if (this.#roomId) void this.#enter(this.#roomId);
    });
    this.socket.on('floor:roomUpdated', (r: RoomSummary) => this.floor.set(r.id, r));
    this.socket.on('floor:changed', (c: FloorChanged) => {
      for (const r of c.rooms) this.floor.set(r.id, r);
      for (const id of c.removedRoomIds) this.floor.delete(id);
      // A big room's participant changes (the web client's floorModel applies them the same way).
      for (const d of c.participants ?? []) {
        const r = this.floor.get(d.roomId);
        if (!r) continue;
        const changed = new Set([...d.remove, ...d.upsert.map((p) => p.userId)]);
        const kept = r.participants.filter((p) => !changed.has(p.userId));
        this.floor.set(r.id, { ...r, participants: [...kept, ...d.upsert] });
      }
    });
    this.socket.on('media:newConsumer', (c: MediaNewConsumer) => this.#heard(c));
    this.socket.on('media:producerPaused', (p: MediaProducerState) => this.#setPaused(p, true));
    this.socket.on('media:producerResumed', (p: MediaProducerState) => this.#setPaused(p, false));
    // The node hosting the room's media was lost (or its worker died): join the media again.
    this.socket.on('media:renegotiate', () => {
      this.renegotiations++;
      if (this.#roomId) void this.#media(++this.#session);
    });
    this.socket.on('disconnect', () => {
      this.#session++;
      this.mediaReady = false;
      this.hears.clear();
    });
  }

  /** Resolves once connected (the floor snapshot arrived). */
  connected(): Promise<void> {
    return new Promise((resolve) => this.socket.once('floor:snapshot', () => resolve()));
  }

  /** Enters a room (and its media) now and after every reconnect. */
  async enter(roomId: string): Promise<void> {
    this.#roomId = roomId;
    await this.#enter(roomId);
  }

  /** Who is in `roomId` on this person's floor. */
  participants(roomId: string): string[] {
    return (this.floor.get(roomId)?.participants ?? []).map((p) => p.displayName).sort();
  }

  close(): void {
    this.socket.close();
  }

  async #enter(roomId: string): Promise<void> {
    const session = ++this.#session;
    const joined = await this.#ask<RoomSummary>('room:join', { roomId });
    if (joined.ok && session === this.#session && this.socket.connected) await this.#media(session);
  }

  #ask<T>(event: string, payload: unknown): Promise<Ack<T>> {
    return (this.socket.timeout(10_000).emitWithAck as (e: string, p: unknown) => Promise<Ack<T>>)(
      event,
      payload,
    ).catch((err: Error) => ({ ok: false, error: { code: 'INTERNAL', message: err.message } }) as Ack<T>);
  }

  /** Joins the room's media (again) and sends the microphone; a failed step starts over (as the page does). */
  async #media(session: number): Promise<void> {
    const current = () => session === this.#session && this.socket.connected;
    while (current() && !(await this.#tryMedia(current))) await pause(250);
  }

  async #tryMedia(current: () => boolean): Promise<boolean> {
    const ask = <T>(event: string, payload: unknown) => this.#ask<T>(event, payload);
    this.mediaReady = false;
    this.hears.clear();
    let media: MediaJoinResult | undefined;
    while (current()) {
      const r = await ask<MediaJoinResult>('media:join', {});
      if (r.ok && !r.data.elsewhere) {
        media = r.data;
        break;
      }
      this.redirects++;
      await pause(250);
    }
    if (!media || !current()) return false;
    const send = await ask<{ id: string }>('media:createTransport', { direction: 'send' });
    const recv = await ask<{ id: string }>('media:createTransport', { direction: 'recv' });
    if (!send.ok || !recv.ok || !current()) return false;
    const ready = await ask<{ consumers: MediaNewConsumer[] }>('media:ready', {
      rtpCapabilities: media.routerRtpCapabilities,
    });
    if (!ready.ok || !current()) return false;
    for (const c of ready.data.consumers) this.#heard(c);
    const mic = await ask<{ producerId: string }>('media:produce', {
      transportId: send.data.id,
      kind: 'audio',
      rtpParameters: micRtp(),
      source: 'mic',
      paused: this.muted,
    });
    this.mediaReady = mic.ok && current();
    return mic.ok;
  }

  #heard(c: MediaNewConsumer): void {
    if (c.source === 'mic') this.hears.set(c.producerId, { peerId: c.peerId, paused: c.producerPaused });
  }

  #setPaused(p: MediaProducerState, paused: boolean): void {
    const h = this.hears.get(p.producerId);
    if (h) h.paused = paused;
  }
}
