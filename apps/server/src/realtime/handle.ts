import type { Ack, ClientToServerEvents } from '@tsudoi/protocol';
import type { z } from 'zod';
import { AppError, toErrorBody } from '../errors.js';
import { parseInput } from '../validation.js';
import { type EventClass, SocketRateLimiter } from './rateLimit.js';
import type { TsudoiSocket } from './types.js';

type AckData<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[1] extends (
  r: Ack<infer T>,
) => void
  ? T
  : never;

const limiters = new WeakMap<TsudoiSocket, SocketRateLimiter>();
const reporters = new WeakMap<TsudoiSocket, RateLimitReport>();

/** Told once per episode of refusals, and when the socket is dropped for flooding (security events). */
export type RateLimitReport = (r: { event: string; eventClass: EventClass; disconnected: boolean }) => void;

/** Sets who hears about this socket's rate limiting (default: a warning in the socket's log). */
export function reportRateLimits(socket: TsudoiSocket, report: RateLimitReport): void {
  reporters.set(socket, report);
}

/** Sets the socket's limiter (before its first event), e.g. one that also counts against the person's buckets. */
export function useLimiter(socket: TsudoiSocket, limiter: SocketRateLimiter): void {
  limiters.set(socket, limiter);
}

/** The socket's event rate limiter (one per socket, made on first use). */
export function limiterOf(socket: TsudoiSocket): SocketRateLimiter {
  let l = limiters.get(socket);
  if (!l) {
    l = new SocketRateLimiter();
    limiters.set(socket, l);
  }
  return l;
}

/**
 * Counts one client event against the socket's rate limit. Over the limit: the refusal to answer with
 * (RATE_LIMITED), reported on the first refusal, and a flooding socket is disconnected; else undefined.
 * Every path that acts on a client event goes through here (handlers, and the media relay's forwarding).
 */
export async function rateLimitRefusal(
  socket: TsudoiSocket,
  event: string,
): Promise<Extract<Ack<never>, { ok: false }> | undefined> {
  const verdict = await limiterOf(socket).check(event);
  if (verdict.ok) return undefined;
  if (verdict.first || verdict.disconnect) {
    const r = { event, eventClass: verdict.eventClass, disconnected: verdict.disconnect };
    const report = reporters.get(socket);
    if (report) report(r);
    else socket.data.log?.warn(r, 'socket rate limited');
  }
  if (verdict.disconnect) socket.disconnect(true);
  return { ok: false, error: AppError.rateLimited(verdict.retryAfterMs / 1000).toBody() };
}

/** Event payloads already counted on their way to the handler (see {@link countedAlready}). */
const countedPayloads = new WeakSet<object>();

/**
 * Says that this event (its payload, as the socket received it) was already counted against the rate limit
 * by a middleware that then hands it to the handler after all (the media relay, when the room turns out to be
 * held here): the handler does not count it again.
 */
export function countedAlready(payload: unknown): void {
  if (payload !== null && typeof payload === 'object') countedPayloads.add(payload);
}

/**
 * Registers a handler for a client event: the event is counted against the socket's rate limit (over the
 * limit: a RATE_LIMITED ack and nothing else; flooding on: disconnected), the payload is parsed with its
 * schema, the handler's result or error becomes the ack. A client that sends no ack callback gets nothing
 * back, and cannot crash us.
 */
export function handle<E extends keyof ClientToServerEvents, S extends z.ZodType>(
  socket: TsudoiSocket,
  event: E,
  schema: S,
  fn: (payload: z.infer<S>) => Promise<AckData<E>> | AckData<E>,
): void {
  const listener = async (payload: unknown, ack: unknown) => {
    const reply = typeof ack === 'function' ? (ack as (r: Ack<AckData<E>>) => void) : () => {};
    const counted = payload !== null && typeof payload === 'object' && countedPayloads.delete(payload);
    const refused = counted ? undefined : await rateLimitRefusal(socket, event);
    if (refused) return reply(refused);
    try {
      reply({ ok: true, data: await fn(parseInput(schema, payload)) });
    } catch (err) {
      const body = toErrorBody(err);
      if (body.code === 'INTERNAL') socket.data.log?.error({ err, event }, 'socket handler failed');
      reply({ ok: false, error: body });
    }
  };
  // socket.io's typed `on` cannot express a generic event name; the listener's shape matches every event.
  (socket.on as (ev: string, l: typeof listener) => void)(event, listener);
}
