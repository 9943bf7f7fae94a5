import type { types } from 'mediasoup';
import * as mediasoup from 'mediasoup';
import { EnhancedEventEmitter } from '../enhancedEvents.js';
import { MEDIA_CODECS } from './codecs.js';
import { respawnDelayMs } from './respawnPolicy.js';
import { type RouterAppData, type WebRtcServerPlan, webRtcServerOptions } from './transports.js';

/** pino-compatible subset (fastify's `app.log` fits). */
export interface PoolLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Starts one mediasoup worker process. */
export type WorkerFactory = (settings: types.WorkerSettings) => Promise<types.Worker>;

export interface WorkerPoolOptions {
  size: number;
  logLevel?: types.WorkerLogLevel;
  /** Default: `mediasoup.createWorker`; tests inject one that fails. */
  createWorker?: WorkerFactory;
  /** Where worker failures and throwing listeners are reported. Default: the console. */
  log?: PoolLogger;
  /** Delay before the next start after `failures` failed starts in a row. Default: {@link respawnDelayMs}. */
  retryDelayMs?: (failures: number) => number;
  /**
   * RTC_PORT: each worker gets a WebRtcServer on `port + its index` (UDP and TCP); a replacement takes
   * the dead worker's index, so the node's ports stay the same. Unset: transports take their own ports.
   */
  webRtcServer?: WebRtcServerPlan | undefined;
}

interface Slot {
  worker: types.Worker;
  /** 0 … size−1: which of the node's media ports its WebRtcServer holds. */
  index: number;
  webRtcServer: types.WebRtcServer | undefined;
  routers: Set<types.Router>;
}

export interface WorkerPoolEvents {
  /** A worker process died; its routers are closed. A replacement is being started. */
  workerDied: [pid: number, error: Error];
  /** A replacement worker runs (after a death, or after failed attempts). */
  workerStarted: [pid: number];
  /** A replacement could not be started; the pool tries again in `retryInMs`. */
  spawnFailed: [error: Error, failures: number, retryInMs: number];
}

/** A worker's WebRtcServer could not listen: its port is taken (RTC_PORT … RTC_PORT + workers − 1). */
export class MediaPortError extends Error {
  constructor(
    readonly port: number,
    cause: unknown,
  ) {
    super(
      `Media port ${port} (UDP and TCP) is not available: RTC_PORT … RTC_PORT + MEDIA_WORKERS − 1 must be free ` +
        `on RTC_LISTEN_IP. Cause: ${(cause as Error)?.message ?? String(cause)}`,
      { cause },
    );
    this.name = 'MediaPortError';
  }
}

const consoleLog: PoolLogger = {
  info: () => {},
  error: (obj, msg) => console.error(`tsudoi: ${msg}`, obj),
};

/**
 * The mediasoup workers of this process (one per core by default). Routers go to the worker hosting the
 * fewest routers. A worker that dies is replaced, and `workerDied` tells the owners of its routers to
 * move them. A replacement that cannot start (binary gone, out of memory…) is retried with backoff, for
 * as long as the pool lives: the process never crashes over it, and /healthz says 503 while no worker runs.
 */
export class MediaWorkerPool extends EnhancedEventEmitter<WorkerPoolEvents> {
  readonly #slots: Slot[] = [];
  readonly #options: WorkerPoolOptions;
  readonly #createWorker: WorkerFactory;
  readonly #log: PoolLogger;
  readonly #retryDelayMs: (failures: number) => number;
  /** Workers being started; a router request waits for one when every worker has died. */
  readonly #spawning = new Set<Promise<types.Worker>>();
  readonly #retries = new Set<ReturnType<typeof setTimeout>>();
  #closed = false;
  /** Settles once the first `size` workers started (see {@link MediaWorkerPool.create}). */
  readonly ready: Promise<void>;

  private constructor(options: WorkerPoolOptions) {
    super();
    this.#options = options;
    this.#createWorker = options.createWorker ?? ((s) => mediasoup.createWorker(s));
    this.#log = options.log ?? consoleLog;
    this.#retryDelayMs = options.retryDelayMs ?? ((n) => respawnDelayMs(n));
    this.ready = this.#startAll(options.size);
    // Whoever awaits `ready` sees a failure; an owner that closed the pool first must not crash on it.
    this.ready.catch(() => {});
  }

  /**
   * Returns at once and starts `size` workers in parallel, so the server can set up (and listen, with
   * /healthz at 503) meanwhile; router requests wait for them. `ready` rejects, and the pool closes, if
   * one of them cannot start: a worker binary that cannot run is a start-up error, not something to retry.
   */
  static create(options: WorkerPoolOptions): MediaWorkerPool {
    return new MediaWorkerPool(options);
  }

  /** Starts `size` workers (in parallel); rejects with a clear message if the worker binary cannot run. */
  static async start(options: WorkerPoolOptions): Promise<MediaWorkerPool> {
    const pool = new MediaWorkerPool(options);
    await pool.ready;
    return pool;
  }

  async #startAll(size: number): Promise<void> {
    const started = await Promise.allSettled(Array.from({ length: size }, (_, index) => this.#spawn(index)));
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (!failed) return;
    this.close();
    const err = failed.reason as Error;
    if (err instanceof MediaPortError) throw err;
    throw new Error(
      `Could not start a mediasoup worker (${mediasoup.workerBin}). Run infra/setup.sh to build it ` +
        `or set MEDIASOUP_WORKER_BIN. Cause: ${err.message}`,
      { cause: err },
    );
  }

  get closed(): boolean {
    return this.#closed;
  }

  get size(): number {
    return this.#slots.length;
  }

  /** Process ids of the live workers (for operators and tests). */
  get pids(): number[] {
    return this.#slots.map((s) => s.worker.pid);
  }

  /** Routers hosted per live worker (for operators, health and tests). */
  get load(): Array<{ pid: number; routers: number }> {
    return this.#slots.map((s) => ({ pid: s.worker.pid, routers: s.routers.size }));
  }

  /** The UDP/TCP port of each live worker's WebRtcServer (empty without RTC_PORT), for operators and tests. */
  get mediaPorts(): Array<{ pid: number; port: number }> {
    const plan = this.#options.webRtcServer;
    if (!plan) return [];
    return this.#slots.map((s) => ({ pid: s.worker.pid, port: plan.port + s.index }));
  }

  /**
   * Creates a router on the least-loaded worker (waiting for a replacement if every worker has died);
   * `awayFrom`: prefer a worker hosting none of these routers (a room spreading over workers).
   */
  async createRouter(options: { awayFrom?: readonly types.Router[] } = {}): Promise<types.Router> {
    while (!this.#closed && this.#slots.length === 0 && this.#spawning.size > 0) {
      await Promise.race(this.#spawning).catch(() => {});
    }
    if (this.#closed) throw new Error('media worker pool is closed');
    if (this.#slots.length === 0) throw new Error('no media worker is running');
    const away = options.awayFrom ?? [];
    const free = this.#slots.filter((s) => !away.some((r) => s.routers.has(r)));
    const slot = (free.length > 0 ? free : this.#slots).reduce((a, b) =>
      b.routers.size < a.routers.size ? b : a,
    );
    const appData: RouterAppData = slot.webRtcServer ? { webRtcServer: slot.webRtcServer } : {};
    const router = await slot.worker.createRouter({ mediaCodecs: MEDIA_CODECS, appData });
    slot.routers.add(router);
    router.observer.once('close', () => slot.routers.delete(router));
    return router;
  }

  /** Closes every worker (and so every router and transport) and cancels pending restarts. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#retries) clearTimeout(t);
    this.#retries.clear();
    for (const slot of this.#slots) slot.worker.close();
    this.#slots.length = 0;
  }

  protected override onListenerError(event: string, err: unknown): void {
    this.#log.error({ err, event }, 'media worker pool: a listener threw');
  }

  #spawn(index: number): Promise<types.Worker> {
    const spawning = this.#startWorker(index).finally(() => this.#spawning.delete(spawning));
    this.#spawning.add(spawning);
    return spawning;
  }

  async #startWorker(index: number): Promise<types.Worker> {
    const worker = await this.#createWorker({ logLevel: this.#options.logLevel ?? 'warn' });
    if (this.#closed) {
      worker.close();
      return worker;
    }
    let webRtcServer: types.WebRtcServer | undefined;
    const plan = this.#options.webRtcServer;
    if (plan) {
      try {
        webRtcServer = await worker.createWebRtcServer(webRtcServerOptions(plan, index));
      } catch (err) {
        // Port taken (another process, or the dead worker's socket not yet released): a failed start.
        worker.close();
        throw new MediaPortError(plan.port + index, err);
      }
      if (this.#closed) {
        worker.close();
        return worker;
      }
    }
    const slot: Slot = { worker, index, webRtcServer, routers: new Set() };
    this.#slots.push(slot);
    // mediasoup isolates its own listeners and reports a throwing one here; nothing else would see it.
    worker.on('listenererror', (event, err) =>
      this.#log.error({ err, event, pid: worker.pid }, 'mediasoup worker: a listener threw'),
    );
    worker.on('died', (error) => {
      const i = this.#slots.indexOf(slot);
      if (i >= 0) this.#slots.splice(i, 1);
      if (this.#closed) return;
      // Start the replacement first, so owners reacting to `workerDied` can wait for it in createRouter().
      // It takes this worker's index, and so its WebRtcServer port.
      this.#replace(slot.index, 1);
      this.safeEmit('workerDied', worker.pid, error);
    });
    return worker;
  }

  /** Starts a replacement; on failure, schedules the next attempt (the policy decides when). */
  #replace(index: number, failures: number): void {
    if (this.#closed) return;
    this.#spawn(index).then(
      (worker) => {
        if (this.#closed) return;
        this.#log.info({ pid: worker.pid, failedAttempts: failures - 1 }, 'mediasoup worker started');
        this.safeEmit('workerStarted', worker.pid);
      },
      (error: unknown) => {
        if (this.#closed) return;
        const err = error instanceof Error ? error : new Error(String(error));
        const retryInMs = this.#retryDelayMs(failures);
        this.#log.error(
          { err, failures, retryInMs, workers: this.#slots.length },
          'mediasoup worker could not be started; retrying',
        );
        const timer = setTimeout(() => {
          this.#retries.delete(timer);
          this.#replace(index, failures + 1);
        }, retryInMs);
        timer.unref();
        this.#retries.add(timer);
        this.safeEmit('spawnFailed', err, failures, retryInMs);
      },
    );
  }
}
