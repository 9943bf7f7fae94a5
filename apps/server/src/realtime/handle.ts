import type { Ack, ClientToServerEvents } from '@tsudoi/protocol';
import type { z } from 'zod';
import { toErrorBody } from '../errors.js';
import { parseInput } from '../validation.js';
import type { TsudoiSocket } from './types.js';

type AckData<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[1] extends (
  r: Ack<infer T>,
) => void
  ? T
  : never;

/**
 * Registers a handler for a client event: the payload is parsed with its schema, the handler's result
 * or error becomes the ack. A client that sends no ack callback gets nothing back, and cannot crash us.
 */
export function handle<E extends keyof ClientToServerEvents, S extends z.ZodType>(
  socket: TsudoiSocket,
  event: E,
  schema: S,
  fn: (payload: z.infer<S>) => Promise<AckData<E>> | AckData<E>,
): void {
  const listener = async (payload: unknown, ack: unknown) => {
    const reply = typeof ack === 'function' ? (ack as (r: Ack<AckData<E>>) => void) : () => {};
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
