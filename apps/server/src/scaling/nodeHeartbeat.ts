import { systemTimers, type TimerHandle, type Timers } from '../timers.js';
import { BEAT, RESET, SWEEP } from './lua/nodeScripts.js';
import type { NodeTimings } from './nodePolicy.js';
import type { RedisLogger } from './redisClient.js';
import type { ScriptRunner } from './scriptRunner.js';
import type { SharedEvent } from './sharedEvents.js';

export interface NodeHeartbeatOptions {
  scripts: ScriptRunner;
  timings: NodeTimings;
  /** Applies what a sweep changed here at once (the other nodes read it from the stream). */
  apply: (events: readonly SharedEvent[]) => void;
  /** Redis had forgotten this node (our heartbeat lapsed): its people must be published again. */
  onForgotten: () => void;
  /** Each heartbeat that reached Redis (writes that failed meanwhile can go again). */
  onBeat?: () => void;
  log: RedisLogger;
  timers?: Timers;
}

/**
 * This node's heartbeat in Redis and the sweep that takes crashed nodes' people off the floor. `start`
 * first forgets what an earlier run under the same NODE_ID left. `stop` just stops: the heartbeat lapses
 * and the other nodes take this node's people away after the grace period unless they reconnect
 * elsewhere (a planned restart or a crash look the same to them).
 */
export class NodeHeartbeat {
  readonly #o: NodeHeartbeatOptions;
  readonly #timers: Timers;
  #beat: TimerHandle | undefined;
  #sweep: TimerHandle | undefined;
  #stopped = false;
  #failing = false;

  constructor(options: NodeHeartbeatOptions) {
    this.#o = options;
    this.#timers = options.timers ?? systemTimers;
  }

  async start(): Promise<void> {
    this.#o.apply((await this.#o.scripts.run(RESET, [])).events);
    await this.#o.scripts.run(BEAT, [this.#o.timings.ttlMs]);
    this.#scheduleBeat();
    this.#scheduleSweep();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#beat !== undefined) this.#timers.clearTimeout(this.#beat);
    if (this.#sweep !== undefined) this.#timers.clearTimeout(this.#sweep);
  }

  #scheduleBeat(): void {
    if (this.#stopped) return;
    this.#beat = this.#timers.setTimeout(() => {
      this.#o.scripts.run(BEAT, [this.#o.timings.ttlMs]).then(
        (r) => {
          this.#ok();
          if (r.status === 'new' && !this.#stopped) this.#o.onForgotten();
          else if (!this.#stopped) this.#o.onBeat?.();
          this.#scheduleBeat();
        },
        (err) => {
          this.#fail(err);
          this.#scheduleBeat();
        },
      );
    }, this.#o.timings.beatMs);
  }

  #scheduleSweep(): void {
    if (this.#stopped) return;
    this.#sweep = this.#timers.setTimeout(() => {
      this.#o.scripts.run(SWEEP, []).then(
        (r) => {
          if (!this.#stopped) this.#o.apply(r.events);
          this.#scheduleSweep();
        },
        (err) => {
          this.#fail(err);
          this.#scheduleSweep();
        },
      );
    }, this.#o.timings.sweepMs);
  }

  #ok(): void {
    if (this.#failing) this.#o.log.info({}, 'node heartbeat: Redis reachable again');
    this.#failing = false;
  }

  #fail(err: unknown): void {
    if (!this.#failing) this.#o.log.warn({ err }, 'node heartbeat: Redis unreachable; retrying');
    this.#failing = true;
  }
}
