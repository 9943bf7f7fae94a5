import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AppError } from '../errors.js';
import { parseSharedEvent, type SharedEvent } from './sharedEvents.js';

/** A script's verdict and the events it appended (already parsed). */
export interface ScriptResult {
  status: string;
  events: SharedEvent[];
  /** What a script returns after its events (see each script). */
  values: unknown[];
}

/**
 * Runs the floor's Lua scripts on the shared Redis (EVALSHA, loading the script on first use). The key
 * prefix and this node's id go first; the scripts build their keys from the prefix.
 */
export class ScriptRunner {
  readonly #shas = new Map<string, string>();

  constructor(
    readonly redis: Redis,
    readonly nodeId: string,
    readonly prefix: string,
  ) {}

  /** Runs a script returning `{ status, events }`; a Redis failure becomes UNAVAILABLE. */
  async run(lua: string, args: ReadonlyArray<string | number>): Promise<ScriptResult> {
    const [status, events, ...values] = (await this.raw(lua, args)) as [string, string[], ...unknown[]];
    return { status, events: events.flatMap((e) => parseSharedEvent(e) ?? []), values };
  }

  /** The script's raw reply. */
  async raw(lua: string, args: ReadonlyArray<string | number>): Promise<unknown> {
    const all = [this.prefix, this.nodeId, ...args];
    let sha = this.#shas.get(lua);
    if (!sha) {
      sha = createHash('sha1').update(lua).digest('hex');
      this.#shas.set(lua, sha);
    }
    try {
      try {
        return await this.redis.evalsha(sha, 0, ...all);
      } catch (err) {
        if (!String((err as Error).message).startsWith('NOSCRIPT')) throw err;
        return await this.redis.eval(lua, 0, ...all);
      }
    } catch (err) {
      throw unavailable(err);
    }
  }
}

/** What a person is told when the shared floor cannot be reached (Redis down). */
export function unavailable(cause: unknown): AppError {
  if (cause instanceof AppError) return cause;
  return new AppError(
    'UNAVAILABLE',
    'The floor cannot be reached just now; try again in a moment.',
    { retryAfter: 2 },
    { cause },
  );
}
