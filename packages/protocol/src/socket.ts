import { z } from 'zod';
import { ChatClientPayloads, type ChatClientToServerEvents, type ChatServerToClientEvents } from './chat.js';
import type { ErrorBody } from './errors.js';
import {
  FloorClientPayloads,
  type FloorClientToServerEvents,
  type FloorServerToClientEvents,
} from './floor.js';
import type { MaintenanceServerToClientEvents } from './maintenance.js';
import { CheckConnectPayload, CheckProducePayload, type CheckStartResult, type CheckStats } from './media.js';
import {
  MediaClientPayloads,
  type MediaClientToServerEvents,
  type MediaServerToClientEvents,
} from './mediaRoom.js';

/** What a client sends in the socket.io handshake (`io(url, { auth })`). */
export const HandshakeAuth = z.object({
  protocolVersion: z.number().int(),
  /** The workspace this socket is for; omitted by the anonymous pre-sign-in connection check. */
  workspaceId: z.uuid().optional(),
});
export type HandshakeAuth = z.infer<typeof HandshakeAuth>;

/** Every acknowledged request answers with this union. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
export type AckCallback<T> = (result: Ack<T>) => void;

/** Sent by the server right after a socket is accepted. */
export const ServerHello = z.object({
  protocolVersion: z.number().int(),
  serverTime: z.string(),
});
export type ServerHello = z.infer<typeof ServerHello>;

/** Why the server closed a connection check on its own. */
export type CheckClosed = { reason: 'expired' };

/**
 * Why the server ended a workspace socket's access, sent just before it disconnects the socket (which
 * then does not come back): `removed`/`disabled` end this workspace only; the others end the session.
 * Best-effort information — access ends with the disconnect whether or not this arrives.
 */
export const ACCESS_END_REASONS = [
  'removed',
  'disabled',
  'signedOut',
  'sessionExpired',
  'passwordChanged',
  'signedOutByAdmin',
  /** The session ended for another reason (revoked). */
  'sessionEnded',
  /** The workspace's IP allow-list changed and no longer includes this address (this workspace only). */
  'ipNotAllowed',
  /** The workspace was deleted (closed, awaiting erasure): this workspace only. */
  'workspaceClosed',
  /** The workspace now requires sign-in through its identity provider, and this session did not come that way. */
  'ssoRequired',
] as const;
export const AccessEnded = z.object({ reason: z.enum(ACCESS_END_REASONS) });
export type AccessEnded = z.infer<typeof AccessEnded>;
export type AccessEndReason = AccessEnded['reason'];

/** Events the server emits (socket.io `ServerToClientEvents`). */
export interface ServerToClientEvents
  extends MediaServerToClientEvents,
    FloorServerToClientEvents,
    ChatServerToClientEvents,
    MaintenanceServerToClientEvents {
  'server:hello': (hello: ServerHello) => void;
  /** The server closed this socket's connection check (it outlived its lifetime). */
  'check:closed': (closed: CheckClosed) => void;
  /** This socket's access ended (see {@link AccessEnded}); the server disconnects it right after. */
  'access:ended': (ended: AccessEnded) => void;
}

/** Events the client emits (socket.io `ClientToServerEvents`); payloads are validated at the gateway. */
export interface ClientToServerEvents
  extends MediaClientToServerEvents,
    FloorClientToServerEvents,
    ChatClientToServerEvents {
  ping: (payload: unknown, ack: AckCallback<{ serverTime: string }>) => void;
  'check:start': (payload: unknown, ack: AckCallback<CheckStartResult>) => void;
  'check:connect': (payload: unknown, ack: AckCallback<Record<string, never>>) => void;
  'check:produce': (payload: unknown, ack: AckCallback<{ producerId: string }>) => void;
  'check:stats': (payload: unknown, ack: AckCallback<CheckStats>) => void;
  /** Ends this socket's connection check now (frees its slot for others on the same network). */
  'check:stop': (payload: unknown, ack: AckCallback<Record<string, never>>) => void;
}

/** Schemas for client-sent payloads, keyed by event name; the gateway parses with these. */
export const ClientPayloads = {
  ping: z.object({}).strict(),
  'check:start': z.object({}).strict(),
  'check:connect': CheckConnectPayload,
  'check:produce': CheckProducePayload,
  'check:stats': z.object({}).strict(),
  'check:stop': z.object({}).strict(),
  ...MediaClientPayloads,
  ...FloorClientPayloads,
  ...ChatClientPayloads,
} satisfies Record<keyof ClientToServerEvents, z.ZodType>;

export type InterServerEvents = Record<string, never>;

/** Reasons a socket connection is refused (sent as `connect_error` data). */
export const CONNECT_REFUSALS = [
  'PROTOCOL_OUTDATED',
  'UNAUTHENTICATED',
  'NOT_FOUND',
  'TOO_MANY_CONNECTIONS',
] as const;
