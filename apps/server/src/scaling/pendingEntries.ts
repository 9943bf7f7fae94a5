import type { z } from 'zod';
import type { Clock, TimerHandle, Timers } from '../timers.js';
import { PENDING } from './lua/meetingScripts.js';
import type { RedisLogger } from './redisClient.js';
import type { ScriptRunner } from './scriptRunner.js';
import type { SharedEvent } from './sharedEvents.js';

/**
 * What the shared invitations and knocks have in common: a pending entry stored in Redis as JSON with `exp`
 * (its expiry in ms, for the scripts), and the expiry timers of the entries this node made.
 */

/** What the shared invitations and knocks are given by `SharedFloor.books`. */
export interface SharedBookOptions {
  scripts: ScriptRunner;
  /** Applies a script's events to this node's mirrors (`SharedFloor.apply`). */
  apply: (events: readonly SharedEvent[]) => void;
  log: RedisLogger;
}

/** A workspace's pending entries of one kind — every one, or only the one with `id` — read back with `parse`. */
export async function readPending<T>(
  scripts: ScriptRunner,
  workspaceId: string,
  kind: 'invites' | 'knocks',
  parse: (json: unknown) => T | undefined,
  id = '',
): Promise<T[]> {
  const r = await scripts.run(PENDING, [workspaceId, kind, id]);
  return ((r.values[0] as unknown[]) ?? []).flatMap((json) => parse(json) ?? []);
}

/** A stored entry read back: `exp` becomes `expiresAt`, the state is pending; undefined when unreadable. */
export function parsePending<S extends z.ZodType<{ exp: number }>>(
  schema: S,
  json: unknown,
): (Omit<z.infer<S>, 'exp'> & { expiresAt: Date; state: 'pending' }) | undefined {
  if (typeof json !== 'string' || json === '') return undefined;
  try {
    const r = schema.safeParse(JSON.parse(json));
    if (!r.success) return undefined;
    const { exp, ...rest } = r.data as z.infer<S>;
    return { ...(rest as Omit<z.infer<S>, 'exp'>), expiresAt: new Date(exp), state: 'pending' };
  } catch {
    return undefined;
  }
}

/** One timer per entry id, fired at the entry's expiry; cleared when it is settled or this node stops. */
export class ExpiryTimers {
  readonly #handles = new Map<string, TimerHandle>();

  constructor(
    private readonly timers: Timers,
    private readonly clock: Clock,
  ) {}

  arm(id: string, expiresAt: Date, onExpiry: () => void): void {
    const left = Math.max(0, expiresAt.getTime() - this.clock().getTime());
    this.#handles.set(
      id,
      this.timers.setTimeout(() => {
        this.#handles.delete(id);
        onExpiry();
      }, left),
    );
  }

  clear(id: string): void {
    const handle = this.#handles.get(id);
    if (handle) this.timers.clearTimeout(handle);
    this.#handles.delete(id);
  }

  clearAll(): void {
    for (const handle of this.#handles.values()) this.timers.clearTimeout(handle);
    this.#handles.clear();
  }
}
