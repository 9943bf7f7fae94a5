import { Cron } from 'croner';
import type { BackupRunner } from './backupRunner.js';
import { BACKUP_INTERVAL_MS, isBackupDue } from './policy.js';

export interface BackupLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * R20: a backup every 24 hours. Checks hourly (minute 17, away from the 01:00 purge) and runs when
 * {@link isBackupDue} says so from the newest generation on disk, so a server that was down catches up
 * at the next check and several restarts a day do not multiply backups. Not started on Firestore.
 */
export class BackupScheduler {
  readonly #runner: BackupRunner;
  readonly #log: BackupLogger;
  readonly #now: () => Date;
  readonly #intervalMs: number;
  #cron: Cron | undefined;
  #stopped = false;

  constructor(o: { runner: BackupRunner; log: BackupLogger; now?: () => Date; intervalMs?: number }) {
    this.#runner = o.runner;
    this.#log = o.log;
    this.#now = o.now ?? (() => new Date());
    this.#intervalMs = o.intervalMs ?? BACKUP_INTERVAL_MS;
  }

  start(): void {
    if (this.#cron || this.#stopped || !this.#runner.supported) return;
    this.#cron = new Cron('17 * * * *', { unref: true, protect: true }, () => {
      this.runIfDue().catch((err) => this.#log.error({ err }, 'backup: scheduled run failed'));
    });
  }

  /** One check: runs a backup when the newest generation is a day old (or there is none). */
  async runIfDue(): Promise<'ran' | 'not-due' | 'stopped'> {
    if (this.#stopped) return 'stopped';
    if (!isBackupDue(await this.#runner.newest(), this.#now(), this.#intervalMs)) return 'not-due';
    const r = await this.#runner.run();
    this.#log.info(
      { generation: r.id, files: r.files, bytes: r.bytes, pruned: r.pruned, durationMs: r.durationMs },
      'backup: finished',
    );
    return 'ran';
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cron?.stop();
    await this.#runner.settled();
  }
}
