import { type ClientSocket, RequestError, requestOn, workspaceSocket } from '../realtime/socket';
import { selectMyRoom, useFloorStore } from '../state/floorSlice';
import { lostRoomActions } from '../state/lostRoom';
import type { MediaSignal } from './mediaSignal';
import { trace } from './mediaTrace';
import { RoomMediaClient } from './roomMediaClient';

/** The room the signed-in user is in on the floor, as media needs it. */
export interface MyRoom {
  roomId: string;
  listenOnly: boolean;
}

/** What a session does with media; {@link RoomMediaClient} in the app, a fake in tests. */
export type SessionMediaClient = Pick<
  RoomMediaClient,
  | 'join'
  | 'leave'
  | 'close'
  | 'setMuted'
  | 'setCameraOn'
  | 'startScreenShare'
  | 'stopScreenShare'
  | 'chooseDevice'
  | 'setTileHeight'
  | 'refreshDevices'
  | 'stats'
>;

/** The parts of a socket.io socket the session watches. */
export interface SessionSocket {
  readonly id: string | undefined;
  readonly connected: boolean;
  on(event: 'disconnect' | 'floor:snapshot', fn: () => void): unknown;
  off(event: 'disconnect' | 'floor:snapshot', fn: () => void): unknown;
}

export interface RoomSessionDeps<S extends SessionSocket = SessionSocket> {
  /** The open workspace's socket, if any. */
  socket: () => S | undefined;
  /** My room on the floor as last reported by the server (undefined = in no room). */
  myRoom: () => MyRoom | undefined;
  /** True once the floor holds a snapshot (of the current connection when the socket is connected). */
  floorLoaded: () => boolean;
  /** Whether a room still exists on the floor (a room that vanished is not re-entered). */
  roomExists: (roomId: string) => boolean;
  /** Called on every floor change; returns the unsubscribe. */
  subscribe: (onChange: () => void) => () => void;
  createClient: (socket: S) => SessionMediaClient;
  /** Re-enters a room on the floor (after a server restart forgot who was where). */
  enterRoom: (socket: S, room: MyRoom) => Promise<unknown>;
  /** Re-entering my room after a dropped connection was refused (full, private now…): the page says so. */
  onRestoreFailed?: (roomId: string, err: unknown) => void;
}

interface Joined extends MyRoom {
  socketId: string;
}

/**
 * The glue between the floor and room media, outside React: follows "my room" on the floor and joins or
 * leaves its media. A socket that drops takes the server-side media with it, so media is left at once and
 * joined again after the new connection's floor snapshot; if the server forgot the room (a restart), the
 * room is re-entered on the floor first. Mute and camera live in the media store, so no rejoin unmutes.
 */
export class RoomSession<S extends SessionSocket = SessionSocket> {
  #socket: S | undefined;
  #client: SessionMediaClient | undefined;
  #offSocket: (() => void) | undefined;
  /** The socket connection (id) whose floor snapshot has arrived: only then is "my room" current. */
  #snapshotOf: string | undefined;
  #joined: Joined | undefined;
  /** The room I was in and on which connection: re-entered once if a new connection lost it. */
  #lastRoom: Joined | undefined;
  readonly #unsubscribe: () => void;
  #closed = false;

  constructor(private readonly deps: RoomSessionDeps<S>) {
    this.#unsubscribe = deps.subscribe(() => this.sync());
    this.sync();
  }

  /** The media client of the current workspace socket (for the room view's controls). */
  get client(): SessionMediaClient | undefined {
    return this.#client;
  }

  /** Joins the media again (the user pressed "retry" after a failure). */
  retry(): void {
    this.#joined = undefined;
    this.sync();
  }

  /** Brings media in line with the floor; safe to call any time. */
  sync(): void {
    if (this.#closed) return;
    const socket = this.deps.socket();
    if (socket !== this.#socket) this.#adopt(socket);
    const client = this.#client;
    if (!socket?.connected || !client || !socket.id || this.#snapshotOf !== socket.id) return;
    const want = this.deps.myRoom();
    if (want) {
      this.#lastRoom = { ...want, socketId: socket.id };
      const j = this.#joined;
      if (j && j.roomId === want.roomId && j.listenOnly === want.listenOnly && j.socketId === socket.id)
        return;
      this.#joined = { ...want, socketId: socket.id };
      void client.join({ listenOnly: want.listenOnly });
      return;
    }
    if (this.#joined) {
      this.#joined = undefined;
      client.leave();
    }
    const last = this.#lastRoom;
    if (!last) return;
    // Left on this connection (the user left, was moved out): nothing to restore.
    if (last.socketId === socket.id || !this.deps.roomExists(last.roomId)) {
      this.#lastRoom = undefined;
      return;
    }
    // In a room before the connection dropped and not any more: the server restarted or let me go.
    this.#lastRoom = { ...last, socketId: socket.id };
    trace('enterRoom');
    this.deps.enterRoom(socket, { roomId: last.roomId, listenOnly: last.listenOnly }).catch((err) => {
      if (this.#lastRoom?.roomId === last.roomId) this.#lastRoom = undefined;
      // Still in no room on this connection (the person did not go elsewhere meanwhile): say why.
      if (!this.#closed && socket === this.#socket && !this.deps.myRoom())
        this.deps.onRestoreFailed?.(last.roomId, err);
    });
  }

  /** Idempotent: leaves media and stops watching. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    this.#adopt(undefined);
  }

  #adopt(socket: S | undefined): void {
    this.#offSocket?.();
    this.#offSocket = undefined;
    this.#client?.close();
    this.#client = undefined;
    this.#joined = undefined;
    this.#lastRoom = undefined;
    this.#snapshotOf = undefined;
    this.#socket = socket;
    if (!socket) return;
    this.#client = this.deps.createClient(socket);
    const onDisconnect = () => {
      this.#snapshotOf = undefined;
      if (this.#joined) {
        this.#joined = undefined;
        this.#client?.leave();
      }
    };
    // Registered after the floor store's handler, so the store already holds this snapshot.
    const onSnapshot = () => {
      trace('snapshot');
      this.#snapshotOf = socket.id;
      queueMicrotask(() => this.sync());
    };
    socket.on('disconnect', onDisconnect);
    socket.on('floor:snapshot', onSnapshot);
    // A snapshot that arrived before we watched this socket still describes the connection.
    if (socket.connected && this.deps.floorLoaded()) this.#snapshotOf = socket.id;
    this.#offSocket = () => {
      socket.off('disconnect', onDisconnect);
      socket.off('floor:snapshot', onSnapshot);
    };
  }
}

/**
 * A media signal bound to one socket (a client never talks over another workspace's socket). A request
 * made while the socket is down fails at once instead of waiting in socket.io's send buffer: that buffer
 * is flushed to whichever server answers next, and media state (peers, transports, consumers) belongs to
 * the connection it was made on. Requests in flight when the connection drops fail at once too (socket.io
 * rejects their acks on disconnect).
 */
export function signalFor(socket: ClientSocket): MediaSignal {
  return {
    request: (event, payload, timeoutMs) =>
      socket.connected
        ? requestOn(socket, event, payload, timeoutMs)
        : Promise.reject(new RequestError({ code: 'UNAVAILABLE', message: 'Not connected to the server.' })),
    on: (event, fn) => {
      (socket.on as (e: string, f: unknown) => void)(event, fn);
      return () => (socket.off as (e: string, f: unknown) => void)(event, fn);
    },
  };
}

/** socket.io's reconnect backoff on a workspace page (its default randomization, ±50 %, spreads pages). */
export const RECONNECT_DELAY_MS = { first: 250, max: 500 } as const;

/** My room from the floor store. */
export function currentRoom(): MyRoom | undefined {
  const state = useFloorStore.getState();
  const room = selectMyRoom(state);
  const me = room?.participants.find((p) => p.userId === state.me);
  return room && me ? { roomId: room.id, listenOnly: me.listenOnly } : undefined;
}

let session: RoomSession<ClientSocket> | undefined;

/** The app's one room session, started on first use (the workspace page). */
export function roomSession(): RoomSession<ClientSocket> {
  session ??= new RoomSession<ClientSocket>({
    socket: workspaceSocket,
    myRoom: currentRoom,
    floorLoaded: () => useFloorStore.getState().loaded,
    roomExists: (roomId) => roomId in useFloorStore.getState().rooms,
    subscribe: (fn) => useFloorStore.subscribe(fn),
    createClient: (socket) => {
      // A talk must be back within 10 s of a server restart (R21): socket.io's default backoff grows to 5 s
      // between attempts, so keep it short while a workspace page is open: the first attempt after
      // 125–375 ms, then every 500 ms at most (±50 % jitter below the cap), so a page is back ~0.3 s after
      // the server listens. A refused connect costs a down server nothing, and 100 pages spread their
      // handshakes over those 250–500 ms instead of arriving in one burst.
      socket.io.reconnectionDelay(RECONNECT_DELAY_MS.first);
      socket.io.reconnectionDelayMax(RECONNECT_DELAY_MS.max);
      socket.on('connect', () => trace('connect'));
      socket.on('disconnect', (reason) => trace('disconnect', reason));
      return new RoomMediaClient(signalFor(socket));
    },
    enterRoom: (socket, room) =>
      requestOn(socket, 'room:join', {
        roomId: room.roomId,
        ...(room.listenOnly ? { listenOnly: true } : {}),
      }),
    onRestoreFailed: (roomId, err) =>
      lostRoomActions.show(useFloorStore.getState().rooms[roomId]?.name ?? '', err),
  });
  return session;
}

/** The current media client, for UI actions (undefined outside a workspace). */
export const mediaClient = (): SessionMediaClient | undefined => roomSession().client;
