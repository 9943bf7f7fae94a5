import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import * as mediasoup from 'mediasoup';
import { MEDIA_CODECS } from './codecs.js';

export interface WorkerPoolOptions {
  size: number;
  logLevel?: types.WorkerLogLevel;
}

interface Slot {
  worker: types.Worker;
  routers: Set<types.Router>;
}

export interface WorkerPoolEvents {
  /** A worker process died; its routers are closed. A replacement has been started. */
  workerDied: [pid: number, error: Error];
  /** A replacement worker could not be started. */
  error: [error: Error];
}

/**
 * The mediasoup workers of this process (one per core by default). Routers go to the worker hosting the
 * fewest routers. A worker that dies is replaced, and `workerDied` tells the owners of its routers to
 * move them.
 */
export class MediaWorkerPool extends EventEmitter<WorkerPoolEvents> {
  readonly #slots: Slot[] = [];
  readonly #options: WorkerPoolOptions;
  /** Workers being started; a router request waits for one when every worker has died. */
  readonly #spawning = new Set<Promise<void>>();
  #closed = false;

  private constructor(options: WorkerPoolOptions) {
    super();
    this.#options = options;
  }

  /** Starts `size` workers; rejects with a clear message if the worker binary cannot run. */
  static async start(options: WorkerPoolOptions): Promise<MediaWorkerPool> {
    const pool = new MediaWorkerPool(options);
    try {
      for (let i = 0; i < options.size; i++) await pool.#spawn();
    } catch (err) {
      pool.close();
      throw new Error(
        `Could not start a mediasoup worker (${mediasoup.workerBin}). Run infra/setup.sh to build it ` +
          `or set MEDIASOUP_WORKER_BIN. Cause: ${(err as Error).message}`,
        { cause: err },
      );
    }
    return pool;
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

  /** Creates a router on the least-loaded worker (waiting for a replacement if every worker has died). */
  async createRouter(): Promise<types.Router> {
    while (!this.#closed && this.#slots.length === 0 && this.#spawning.size > 0) {
      await Promise.race(this.#spawning).catch(() => {});
    }
    if (this.#closed) throw new Error('media worker pool is closed');
    if (this.#slots.length === 0) throw new Error('no media worker is running');
    const slot = this.#slots.reduce((a, b) => (b.routers.size < a.routers.size ? b : a));
    const router = await slot.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    slot.routers.add(router);
    router.observer.once('close', () => slot.routers.delete(router));
    return router;
  }

  /** Closes every worker (and so every router and transport). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const slot of this.#slots) slot.worker.close();
    this.#slots.length = 0;
  }

  #spawn(): Promise<void> {
    const spawning = this.#startWorker().finally(() => this.#spawning.delete(spawning));
    this.#spawning.add(spawning);
    return spawning;
  }

  async #startWorker(): Promise<void> {
    const worker = await mediasoup.createWorker({ logLevel: this.#options.logLevel ?? 'warn' });
    if (this.#closed) {
      worker.close();
      return;
    }
    const slot: Slot = { worker, routers: new Set() };
    this.#slots.push(slot);
    worker.on('died', (error) => {
      const i = this.#slots.indexOf(slot);
      if (i >= 0) this.#slots.splice(i, 1);
      if (this.#closed) return;
      // Start the replacement first, so owners reacting to `workerDied` can wait for it in createRouter().
      const replacement = this.#spawn();
      this.emit('workerDied', worker.pid, error);
      replacement.catch((err) => this.emit('error', err));
    });
  }
}
