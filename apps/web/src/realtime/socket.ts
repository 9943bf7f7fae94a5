import {
  AccessEnded,
  type Ack,
  type ClientToServerEvents,
  type ErrorBody,
  PROTOCOL_VERSION,
  type ServerToClientEvents,
} from '@tsudoi/protocol';
import { io, type Socket } from 'socket.io-client';
import { type ConnectionStatus, connectionActions } from '../state/store';
import { ENDING_REFUSALS, type RefusalCode, type SocketEnd } from './accessEndPolicy';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A failed request: carries the server's stable error code. */
export class RequestError extends Error {
  constructor(readonly body: ErrorBody) {
    super(body.message);
    this.name = 'RequestError';
  }
}

/** Why the server refused a workspace socket (`connect_error` data.code). */
export type Refusal = 'PROTOCOL_OUTDATED' | RefusalCode | 'TOO_MANY_CONNECTIONS';

const isEndingRefusal = (code: string | undefined): code is RefusalCode =>
  (ENDING_REFUSALS as readonly (string | undefined)[]).includes(code);

interface WorkspaceConnection {
  workspaceId: string;
  socket: ClientSocket;
  dispose: () => void;
}

let workspace: WorkspaceConnection | undefined;
let anonymous: ClientSocket | undefined;
let outdated = false;
let refused: Refusal | undefined;

/** The socket whose state the status line shows: the workspace one while a workspace page is open. */
const current = (): ClientSocket | undefined => workspace?.socket ?? anonymous;

function publishStatus(): void {
  let status: ConnectionStatus = 'connecting';
  if (outdated) status = 'outdated';
  else if (workspace && refused === 'TOO_MANY_CONNECTIONS') status = 'tooMany';
  else if (workspace && refused) status = 'refused';
  else if (current()?.connected) status = 'online';
  connectionActions.setStatus(status);
}

const refusalOf = (err: Error): string | undefined =>
  (err as Error & { data?: { code?: string } }).data?.code;

/**
 * Seconds until a refused handshake may pass: set on TOO_MANY_CONNECTIONS when the refusal was a handshake
 * *rate* (an office behind one address reconnecting after a server restart), absent when the person has too
 * many tabs open (which only closing one mends).
 */
const retryAfterOf = (err: Error): number | undefined => {
  const wait = (err as Error & { data?: { retryAfter?: unknown } }).data?.retryAfter;
  return typeof wait === 'number' && wait > 0 ? wait : undefined;
};

/** Refusals the page answers itself (reload, sign-in, leave, "too many tabs"): never retried blindly. */
const FINAL_REFUSALS = new Set<string>(['PROTOCOL_OUTDATED', ...ENDING_REFUSALS, 'TOO_MANY_CONNECTIONS']);
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 5_000;

function watch(s: ClientSocket, onEnded?: (end: SocketEnd) => void): void {
  /** The server said why it ends this socket: the disconnect right behind it is no silent drop. */
  let told = false;
  /** Handshakes refused in a row for a reason that may pass (see `connect_error`). */
  let refusedRetries = 0;
  s.on('connect', () => {
    refusedRetries = 0;
    refused = undefined;
    publishStatus();
  });
  // Sent by the server just before it disconnects a workspace socket whose access ended (removed,
  // disabled, session over). socket.io does not reconnect after a server disconnect.
  s.on('access:ended', (payload) => {
    if (s !== workspace?.socket || told) return;
    told = true;
    refused = 'UNAUTHENTICATED';
    publishStatus();
    const ended = AccessEnded.safeParse(payload);
    onEnded?.(ended.success ? { kind: 'accessEnded', reason: ended.data.reason } : { kind: 'dropped' });
  });
  s.on('disconnect', (reason) => {
    // The server ended a workspace socket without saying why (or the reason got lost): the page asks.
    if (reason === 'io server disconnect' && s === workspace?.socket && !told) {
      told = true;
      refused = 'UNAUTHENTICATED';
      onEnded?.({ kind: 'dropped' });
    }
    publishStatus();
  });
  s.on('connect_error', (err) => {
    const code = refusalOf(err);
    const rateWait = code === 'TOO_MANY_CONNECTIONS' ? retryAfterOf(err) : undefined;
    if (!s.active && (!FINAL_REFUSALS.has(code ?? '') || rateWait !== undefined)) {
      // A handshake refused for a reason that may pass (a check that failed on a busy or just-restarted
      // server, an unknown code, a handshake rate): socket.io gives such a socket up for good, so the page
      // tries again itself — after the wait the server named (spread over a second, so an office behind one
      // address does not come back at once) or a growing delay — while this is still the page's socket.
      const delay =
        rateWait !== undefined
          ? rateWait * 1_000 + Math.random() * 1_000
          : Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** refusedRetries++);
      setTimeout(() => {
        if (!s.active && (s === workspace?.socket || s === anonymous)) s.connect();
      }, delay);
    }
    if (code === 'PROTOCOL_OUTDATED') {
      outdated = true;
      s.disconnect();
    } else if (code === 'TOO_MANY_CONNECTIONS' && rateWait === undefined && s === workspace?.socket) {
      refused = code;
    } else if (isEndingRefusal(code) && s === workspace?.socket) {
      // A refused handshake is not retried by socket.io; the page decides what to do. A reconnect
      // refused because access ended (no session, no membership, SSO) ends the page like `access:ended`.
      refused = code;
      onEnded?.({ kind: 'refused', code });
    }
    publishStatus();
  });
}

/** Options for {@link openWorkspaceSocket}. */
export interface WorkspaceSocketHooks {
  /** Registers the workspace's event handlers; returns their removal. */
  bind: (socket: ClientSocket) => () => void;
  /**
   * The socket is gone for good and will not reconnect: access ended (removed, disabled, session over),
   * a (re)connect was refused as unauthenticated / not a member, or the server dropped it silently.
   */
  onEnded?: (end: SocketEnd) => void;
}

/**
 * Opens the socket of one workspace (one per open workspace page; the session cookie authenticates it).
 * Opening another workspace closes the previous socket first. Returns the matching close function.
 */
export function openWorkspaceSocket(workspaceId: string, hooks: WorkspaceSocketHooks): () => void {
  if (workspace?.workspaceId !== workspaceId) {
    closeWorkspaceSocket();
    // The anonymous socket only serves the connection check on pages outside a workspace.
    closeAnonymousSocket();
    const socket: ClientSocket = io({
      auth: { protocolVersion: PROTOCOL_VERSION, workspaceId },
      transports: ['websocket'],
    });
    refused = undefined;
    watch(socket, hooks.onEnded);
    const unbind = hooks.bind(socket);
    workspace = {
      workspaceId,
      socket,
      dispose: () => {
        unbind();
        socket.removeAllListeners();
        socket.disconnect();
      },
    };
    publishStatus();
  }
  const opened = workspace;
  return () => {
    if (workspace === opened) closeWorkspaceSocket();
  };
}

/** Tries the refused workspace socket again (after closing another tab of the same workspace). */
export function retryWorkspaceSocket(): void {
  const s = workspace?.socket;
  if (!s || s.connected) return;
  refused = undefined;
  publishStatus();
  s.connect();
}

/** Closes the workspace socket (leaving the page, switching workspace, signing out). Idempotent. */
export function closeWorkspaceSocket(): void {
  const closing = workspace;
  if (!closing) return;
  workspace = undefined;
  refused = undefined;
  closing.dispose();
  // Outside a workspace the status line and the connection check use the anonymous socket.
  getAnonymousSocket();
  publishStatus();
}

/** The anonymous socket (no workspace): connection check and status before entering a workspace. */
export function getAnonymousSocket(): ClientSocket {
  if (anonymous) return anonymous;
  const s: ClientSocket = io({ auth: { protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'] });
  watch(s);
  anonymous = s;
  publishStatus();
  return s;
}

function closeAnonymousSocket(): void {
  const s = anonymous;
  if (!s) return;
  anonymous = undefined;
  s.removeAllListeners();
  s.disconnect();
}

/** The app's current socket: the open workspace's, else the anonymous one (created on first use). */
export function getSocket(): ClientSocket {
  return workspace?.socket ?? getAnonymousSocket();
}

/** The socket of the open workspace page, if any. */
export function workspaceSocket(): ClientSocket | undefined {
  return workspace?.socket;
}

type AckOf<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[1] extends (
  r: Ack<infer T>,
) => void
  ? T
  : never;

/** Sends a request on a given socket; see {@link request}. */
export function requestOn<E extends keyof ClientToServerEvents>(
  s: ClientSocket,
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
  timeoutMs = 10_000,
): Promise<AckOf<E>> {
  return new Promise((resolve, reject) => {
    const timed = s.timeout(timeoutMs);
    const emit = timed.emit as unknown as (
      ev: string,
      p: unknown,
      cb: (err: Error | null, r: Ack<AckOf<E>>) => void,
    ) => void;
    emit.call(timed, event, payload, (err, result) => {
      if (err)
        return reject(new RequestError({ code: 'UNAVAILABLE', message: 'The server did not answer.' }));
      if (result.ok) resolve(result.data);
      else reject(new RequestError(result.error));
    });
  });
}

/**
 * Sends a request on the current socket (the workspace's while one is open) and resolves with the ack's
 * data, or rejects with {@link RequestError}.
 */
export function request<E extends keyof ClientToServerEvents>(
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
  timeoutMs = 10_000,
): Promise<AckOf<E>> {
  return requestOn(getSocket(), event, payload, timeoutMs);
}
