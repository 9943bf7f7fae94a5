import type { ChatMessageView, ConversationRef, ThreadView } from '@tsudoi/protocol';
import { type ClientSocket, requestOn, workspaceSocket } from '../realtime/socket';
import { chatActions, THREAD_LIST, useChatStore } from '../state/chatStore';
import { selectMyRoom, useFloorStore } from '../state/floorSlice';

type Listener = (...args: never[]) => void;

/** The parts of a socket.io socket the chat session uses. */
export interface ChatSocket {
  readonly connected: boolean;
  on(event: string, fn: Listener): unknown;
  off(event: string, fn: Listener): unknown;
}

export interface ChatSessionDeps<S extends ChatSocket = ChatSocket> {
  /** The open workspace's socket, if any. */
  socket: () => S | undefined;
  /** The room I am in on the floor (null = none). */
  myRoomId: () => string | null;
  /** True once the floor holds a snapshot (the server has set the connection up). */
  floorLoaded: () => boolean;
  /** Called on every floor change; returns the unsubscribe. */
  subscribe: (onChange: () => void) => () => void;
  listThreads: (socket: S) => Promise<ThreadView[]>;
  history: (socket: S, to: ConversationRef) => Promise<ChatMessageView[]>;
}

/**
 * The glue between the workspace socket, the floor and the chat store, outside React: binds the chat
 * events to the open workspace's socket, loads my threads on every connection, loads a room's history when
 * I enter it and forgets the room's messages when I leave it.
 */
export class ChatSession<S extends ChatSocket = ChatSocket> {
  #socket: S | undefined;
  #offSocket: (() => void) | undefined;
  /** The connection has been set up by the server (its floor snapshot arrived): requests may go. */
  #ready = false;
  readonly #unsubscribe: () => void;
  #closed = false;

  constructor(private readonly deps: ChatSessionDeps<S>) {
    this.#unsubscribe = deps.subscribe(() => this.sync());
    this.sync();
  }

  /** Brings the chat store in line with the socket and my room; safe to call any time. */
  sync(): void {
    if (this.#closed) return;
    const socket = this.deps.socket();
    if (socket !== this.#socket) this.#adopt(socket);
    const roomId = socket ? this.deps.myRoomId() : null;
    if (roomId === useChatStore.getState().roomId) return;
    chatActions.room(roomId);
    if (roomId && this.#ready) this.#loadRoom(roomId);
  }

  /**
   * Loads the thread list and my room's history again (after a failure shown with a retry). While the
   * socket is down this waits: the next connection reloads both anyway.
   */
  retry(): void {
    const socket = this.#socket;
    if (socket && this.#ready) this.#connected(socket);
  }

  /** Idempotent: stops watching and forgets every message. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    this.#adopt(undefined);
  }

  #adopt(socket: S | undefined): void {
    this.#offSocket?.();
    this.#offSocket = undefined;
    this.#socket = socket;
    this.#ready = false;
    chatActions.reset();
    if (!socket) return;
    const handlers = Object.entries(chatActions.events) as Array<[string, Listener]>;
    for (const [event, fn] of handlers) socket.on(event, fn);
    const onDisconnect = () => {
      this.#ready = false;
    };
    // Sent on every connection once the server has set it up: reload what may have changed meanwhile.
    const onSnapshot = () => queueMicrotask(() => this.#connected(socket));
    socket.on('disconnect', onDisconnect);
    socket.on('floor:snapshot', onSnapshot);
    this.#offSocket = () => {
      for (const [event, fn] of handlers) socket.off(event, fn);
      socket.off('disconnect', onDisconnect);
      socket.off('floor:snapshot', onSnapshot);
    };
    if (socket.connected && this.deps.floorLoaded()) this.#connected(socket);
  }

  #connected(socket: S): void {
    if (this.#closed || socket !== this.#socket) return;
    this.#ready = true;
    this.deps
      .listThreads(socket)
      .then((threads) => {
        if (socket === this.#socket) chatActions.threads(threads);
      })
      .catch(() => {
        if (socket === this.#socket) chatActions.loadFailed(THREAD_LIST);
      });
    const held = useChatStore.getState().roomId;
    this.sync(); // loads the room I entered meanwhile
    if (held && held === useChatStore.getState().roomId) this.#loadRoom(held);
  }

  #loadRoom(roomId: string): void {
    const socket = this.#socket;
    if (!socket) return;
    this.deps
      .history(socket, { kind: 'room', roomId })
      .then((messages) => {
        // A room left meanwhile is ignored by the store.
        if (socket === this.#socket) chatActions.history(roomId, 'room', messages);
      })
      .catch(() => {
        if (socket === this.#socket) chatActions.loadFailed(roomId);
      });
  }
}

let session: ChatSession | undefined;

// socket.io's typed on/off take only known event names; the session binds the chat events by name.
const asChatSocket = (s: ClientSocket | undefined) => s as unknown as ChatSocket | undefined;
const asClientSocket = (s: ChatSocket) => s as unknown as ClientSocket;

/** The app's one chat session, started on first use (the workspace page). */
export function chatSession(): ChatSession {
  session ??= new ChatSession({
    socket: () => asChatSocket(workspaceSocket()),
    myRoomId: () => selectMyRoom(useFloorStore.getState())?.id ?? null,
    floorLoaded: () => useFloorStore.getState().loaded,
    subscribe: (fn) => useFloorStore.subscribe(fn),
    listThreads: async (socket) => (await requestOn(asClientSocket(socket), 'thread:list', {})).threads,
    history: async (socket, to) => (await requestOn(asClientSocket(socket), 'chat:history', { to })).messages,
  });
  return session;
}
