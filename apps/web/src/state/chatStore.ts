import type { ChatMessageView, ChatPurged, ChatServerToClientEvents, ThreadView } from '@tsudoi/protocol';
import { create } from 'zustand';
import { imageActions } from './imageStore';

/**
 * The client's copy of the messages it may show (R6, R7) and the pure functions that apply server events
 * to it. Room messages are kept only for the room I am in now; thread messages for any thread I belong to.
 */
export interface ChatState {
  /** The room whose messages are held (the room I am in); null outside a room. */
  roomId: string | null;
  /** Messages by conversation id (room id or thread id), oldest first. */
  messages: Record<string, ChatMessageView[]>;
  /** Conversations whose history has arrived (so "no messages" can be told from "loading"). */
  loaded: Record<string, true>;
  /** My threads with my unread counts. */
  threads: Record<string, ThreadView>;
  /** False until the first thread list of this connection. */
  threadsLoaded: boolean;
  /**
   * The thread open on this page: what arrives in it is on screen and is marked read by the page, so it
   * counts as read here at once (no badge or chime for the moment until the server answers the read).
   */
  viewing: string | null;
  /** What could not be loaded (the thread list, or the room's history) until it loads: shown with a retry. */
  failed: Record<string, true>;
}

/** The key of the thread list in {@link ChatState.failed} (conversation ids are uuids). */
export const THREAD_LIST = 'threads';

const without = (record: Record<string, true>, key: string): Record<string, true> => {
  if (!(key in record)) return record;
  const { [key]: _gone, ...rest } = record;
  return rest;
};

export const emptyChat = (): ChatState => ({
  roomId: null,
  messages: {},
  loaded: {},
  threads: {},
  threadsLoaded: false,
  viewing: null,
  failed: {},
});

/** Oldest first; messages sent in the same millisecond keep a stable order by id. */
const bySentAt = (a: ChatMessageView, b: ChatMessageView): number =>
  a.sentAt < b.sentAt ? -1 : a.sentAt > b.sentAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** Merges messages into a sorted list; a message already held (same id) is replaced, never doubled. */
export function mergeMessages(
  list: readonly ChatMessageView[],
  incoming: readonly ChatMessageView[],
): ChatMessageView[] {
  const byId = new Map(list.map((m) => [m.id, m]));
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort(bySentAt);
}

/** Whether a message may be held: room messages only for the room I am in. */
const accepts = (state: ChatState, m: ChatMessageView): boolean =>
  m.kind === 'thread' || m.conversationId === state.roomId;

/** A live message (or the ack of my own): added once, in order. */
export function applyMessage(state: ChatState, message: ChatMessageView): ChatState {
  if (!accepts(state, message)) return state;
  const list = state.messages[message.conversationId] ?? [];
  return {
    ...state,
    messages: { ...state.messages, [message.conversationId]: mergeMessages(list, [message]) },
  };
}

/** A conversation's history arrived: merged with any live message that came first. */
export function applyHistory(
  state: ChatState,
  conversationId: string,
  kind: 'room' | 'thread',
  history: readonly ChatMessageView[],
): ChatState {
  if (kind === 'room' && conversationId !== state.roomId) return state;
  const list = state.messages[conversationId] ?? [];
  return {
    ...state,
    messages: { ...state.messages, [conversationId]: mergeMessages(list, history) },
    loaded: { ...state.loaded, [conversationId]: true },
    failed: without(state.failed, conversationId),
  };
}

/** Loading the thread list or my room's history failed (a room left meanwhile is ignored). */
export function applyLoadFailed(state: ChatState, key: string): ChatState {
  if (key !== THREAD_LIST && key !== state.roomId) return state;
  if (state.failed[key]) return state;
  return { ...state, failed: { ...state.failed, [key]: true } };
}

/** Messages were deleted on the server (room emptied, retention): all of them, or those sent up to `upTo`. */
export function applyPurged(state: ChatState, { conversationId, upTo }: ChatPurged): ChatState {
  const list = state.messages[conversationId];
  if (!list) return state;
  const kept = upTo === undefined ? [] : list.filter((m) => Date.parse(m.sentAt) > Date.parse(upTo));
  if (kept.length === list.length) return state;
  return { ...state, messages: { ...state.messages, [conversationId]: kept } };
}

/** I entered another room or left mine: the previous room's messages are forgotten at once. */
export function applyRoom(state: ChatState, roomId: string | null): ChatState {
  if (roomId === state.roomId) return state;
  const messages = { ...state.messages };
  const loaded = { ...state.loaded };
  if (state.roomId) {
    delete messages[state.roomId];
    delete loaded[state.roomId];
  }
  const failed = state.roomId ? without(state.failed, state.roomId) : state.failed;
  return { ...state, roomId, messages, loaded, failed };
}

/** The full thread list (on every connection): replaces the threads, keeps loaded messages. */
export function applyThreads(state: ChatState, threads: readonly ThreadView[]): ChatState {
  return {
    ...state,
    threads: Object.fromEntries(threads.map((t) => [t.id, t])),
    threadsLoaded: true,
    failed: without(state.failed, THREAD_LIST),
  };
}

/** A thread was opened or changed (new message, my unread count). */
export function applyThreadUpdated(state: ChatState, thread: ThreadView): ChatState {
  return { ...state, threads: { ...state.threads, [thread.id]: thread } };
}

/** I read a thread (the server acknowledged `thread:read`). */
export function applyRead(state: ChatState, threadId: string): ChatState {
  const thread = state.threads[threadId];
  if (!thread || thread.unread === 0) return state;
  return { ...state, threads: { ...state.threads, [threadId]: { ...thread, unread: 0 } } };
}

const NO_MESSAGES: readonly ChatMessageView[] = [];

/** A conversation's messages, oldest first (a stable empty list when there are none). */
export const selectMessages =
  (conversationId: string | null | undefined) =>
  (s: ChatState): readonly ChatMessageView[] =>
    (conversationId && s.messages[conversationId]) || NO_MESSAGES;

/** Threads with the most recent activity first. */
export const selectThreads = (s: ChatState): ThreadView[] =>
  Object.values(s.threads).sort(
    (a, b) => (b.lastMessageAt ?? '').localeCompare(a.lastMessageAt ?? '') || a.id.localeCompare(b.id),
  );

/** A thread's unread count as the page shows it: none for the thread open on screen. */
export const shownUnread = (thread: ThreadView, viewing: string | null): number =>
  thread.id === viewing ? 0 : thread.unread;

/** All my unread thread messages, as shown. */
export const selectUnreadTotal = (s: ChatState): number =>
  Object.values(s.threads).reduce((n, t) => n + shownUnread(t, s.viewing), 0);

/** The messages of the open workspace page; written only by the actions below. */
export const useChatStore = create<ChatState>()(() => emptyChat());

const apply = (fn: (s: ChatState) => ChatState) => useChatStore.setState(fn, true);

type Handlers = { [E in keyof ChatServerToClientEvents]: ChatServerToClientEvents[E] };

/** Actions callable outside React: the socket's event handlers, request acks, tests. */
export const chatActions = {
  /** Forgets everything (leaving the workspace page, another socket). */
  reset: () => useChatStore.setState(emptyChat(), true),
  room: (roomId: string | null) => apply((s) => applyRoom(s, roomId)),
  history: (conversationId: string, kind: 'room' | 'thread', messages: readonly ChatMessageView[]) =>
    apply((s) => applyHistory(s, conversationId, kind, messages)),
  threads: (threads: readonly ThreadView[]) => apply((s) => applyThreads(s, threads)),
  /** The thread list (THREAD_LIST) or a room's history could not be loaded. */
  loadFailed: (key: string) => apply((s) => applyLoadFailed(s, key)),
  read: (threadId: string) => apply((s) => applyRead(s, threadId)),
  /** The thread now open on this page (null: none). */
  view: (threadId: string | null) => apply((s) => (s.viewing === threadId ? s : { ...s, viewing: threadId })),
  /** A thread I opened (the `thread:open` ack). */
  opened: (thread: ThreadView) => apply((s) => applyThreadUpdated(s, thread)),
  /** My own message, from the `chat:send` ack (the live push of it is then a no-op). */
  sent: (message: ChatMessageView) => apply((s) => applyMessage(s, message)),
  /** One handler per server chat event, typed by the protocol. */
  events: {
    'chat:message': (message) => apply((s) => applyMessage(s, message)),
    'chat:purged': (purged) => apply((s) => applyPurged(s, purged)),
    'thread:updated': (thread) => apply((s) => applyThreadUpdated(s, thread)),
    // A profile or workspace image changed (R16): avatars of that person load again.
    'image:changed': (change) => imageActions.changed(change),
  } satisfies Handlers as Handlers,
};
