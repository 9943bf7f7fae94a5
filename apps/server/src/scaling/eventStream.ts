import type { Redis } from 'ioredis';
import type { RedisLogger } from './redisClient.js';
import { parseSharedEvent, type SharedEvent } from './sharedEvents.js';

/** The stream every floor script appends to (under the key prefix). */
export const FLOOR_EVENTS_STREAM = 'floor:events';

export interface EventStreamOptions {
  /** A connection of its own: XREAD blocks it (`maxRetriesPerRequest: null`, a timeout above `blockMs`). */
  redis: Redis;
  onEvent: (event: SharedEvent) => void;
  log: RedisLogger;
  /** How long one XREAD waits for news (default 1 s). */
  blockMs?: number;
}

/**
 * Reads the floor's event stream in order from the moment it starts. After a Redis outage it reads on
 * from the last entry it saw, so nothing written meanwhile is missed (up to the stream's 10,000 latest).
 */
export class EventStream {
  readonly #o: EventStreamOptions;
  #lastId = '$';
  #stopped = false;
  #loop: Promise<void> | undefined;

  constructor(options: EventStreamOptions) {
    this.#o = options;
  }

  /** Resolves once the position is fixed: every event appended after this is delivered. */
  async start(): Promise<void> {
    const last = (await this.#o.redis.xrevrange(FLOOR_EVENTS_STREAM, '+', '-', 'COUNT', 1)) as Array<
      [string, string[]]
    >;
    this.#lastId = last[0]?.[0] ?? '0-0';
    this.#loop = this.#run();
  }

  async #run(): Promise<void> {
    const blockMs = this.#o.blockMs ?? 1_000;
    let failing = false;
    while (!this.#stopped) {
      try {
        const reply = (await this.#o.redis.xread(
          'COUNT',
          500,
          'BLOCK',
          blockMs,
          'STREAMS',
          FLOOR_EVENTS_STREAM,
          this.#lastId,
        )) as Array<[string, Array<[string, string[]]>]> | null;
        failing = false;
        for (const [id, fields] of reply?.[0]?.[1] ?? []) {
          this.#lastId = id;
          const event = parseSharedEvent(fields[1] ?? '');
          if (event) this.#o.onEvent(event);
        }
      } catch (err) {
        if (this.#stopped) break;
        if (!failing) this.#o.log.warn({ err }, 'floor events: reading the stream failed; retrying');
        failing = true;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** Stops reading and drops its connection (a blocked XREAD ends at once). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#o.redis.disconnect(false);
    await this.#loop;
  }
}
