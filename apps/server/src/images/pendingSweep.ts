import { Cron } from 'croner';

export interface SweepLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * R16: every hour (minute 41, away from the 01:00 purge and the backup check at :17) deletes the image
 * uploads that were never sent in a message and are past their hour, in every workspace, records and
 * files (`ImageService.sweepExpired`, which reads the injected clock). Uploading also sweeps the uploader's
 * workspace; this catches workspaces where nobody uploads again. Several instances may sweep at once: each
 * image is taken atomically by one of them. `stop()` (app close) ends the schedule and waits for a run.
 */
export class PendingImageSweep {
  readonly #sweep: () => Promise<number>;
  readonly #log: SweepLogger;
  #cron: Cron | undefined;
  #running: Promise<unknown> = Promise.resolve();
  #stopped = false;

  constructor(o: { sweep: () => Promise<number>; log: SweepLogger }) {
    this.#sweep = o.sweep;
    this.#log = o.log;
  }

  start(): void {
    if (this.#cron || this.#stopped) return;
    this.#cron = new Cron('41 * * * *', { unref: true, protect: true }, () => {
      this.runOnce().catch((err) => this.#log.error({ err }, 'images: sweeping expired uploads failed'));
    });
  }

  /** One sweep now; how many uploads went (0 once stopped, without sweeping). */
  async runOnce(): Promise<number> {
    if (this.#stopped) return 0;
    const run = this.#running.then(() => this.#sweep());
    this.#running = run.catch(() => undefined);
    const removed = await run;
    if (removed > 0) this.#log.info({ removed }, 'images: expired pending uploads deleted');
    return removed;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cron?.stop();
    this.#cron = undefined;
    await this.#running;
  }
}
