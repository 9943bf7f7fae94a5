import { randomUUID } from 'node:crypto';
import { ACCESS_LOG_RETENTION_YEARS } from '@tsudoi/protocol';
import { Cron } from 'croner';
import type { LeaseRepo, MetaRepo } from '../jobs/jobRepos.js';
import { lastPurgeHourAtOrBefore } from '../retention/policy.js';
import type { RetentionLogger } from '../retention/purger.js';
import { systemTimers, type TimerHandle, type Timers } from '../timers.js';
import type { AccessLogRepo } from './accessLogRepo.js';
import { retentionStart } from './accessLogView.js';

export interface AccessLogRetentionOptions {
  repos: { accessLog: Pick<AccessLogRepo, 'chains' | 'pruneBefore'>; leases: LeaseRepo; meta: MetaRepo };
  log: RetentionLogger;
  now: () => Date;
  /** The zone of the daily 01:00 run (the server's default zone). */
  timeZone: string;
  holder?: string;
  leaseTtlMs?: number;
  /** Entries removed per atomic step. */
  batch?: number;
  /** For the retry after finding the lease taken (tests inject fake ones). */
  timers?: Timers;
}

export type AccessLogPruneStatus = 'ran' | 'already-ran' | 'locked' | 'lease-lost' | 'stopped';

const LEASE = 'accessLog.prune';
const LAST_RUN = 'accessLog.prune.lastRun';

/**
 * R14: removes access-log entries older than 2 years, daily at 01:00 (in `timeZone`) and at start-up when
 * that run was missed, once across instances: like the message purge (retention/scheduler.ts) it takes a
 * lease and records the run in meta, so a second instance finds it done. Removal goes oldest first in
 * small atomic steps that keep each workspace's chain verifiable (`AccessLogRepo.pruneBefore`).
 */
export class AccessLogRetention {
  readonly #d: Required<Omit<AccessLogRetentionOptions, 'holder'>> & { holder: string };
  #cron: Cron | undefined;
  /** A run again once the lease another instance holds has expired (it may have died holding it). */
  #retry: TimerHandle | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #stopped = false;

  constructor(options: AccessLogRetentionOptions) {
    this.#d = {
      leaseTtlMs: 5 * 60_000,
      batch: 400,
      holder: `access-log-${randomUUID()}`,
      timers: systemTimers,
      ...options,
    };
  }

  /** Schedules the daily run and catches up on a missed one. */
  async start(): Promise<AccessLogPruneStatus | 'not-due'> {
    this.#cron = new Cron('0 1 * * *', { timezone: this.#d.timeZone, unref: true, protect: true }, () => {
      this.runDue().catch((err) => this.#d.log.error({ err }, 'access-log retention: run failed'));
    });
    return this.runDue();
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#cron?.stop();
    if (this.#retry !== undefined) this.#d.timers.clearTimeout(this.#retry);
    this.#retry = undefined;
    await this.#queue.catch(() => undefined);
  }

  /** Runs unless this slot's run is recorded (by this or another instance). */
  runDue(): Promise<AccessLogPruneStatus | 'not-due'> {
    const run = this.#queue.then(() => this.#runDue());
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Another instance holds the lease: look again once it would have expired, so a holder that died midway
   * does not leave the day's run undone until tomorrow's 01:00 (several nodes, R23). Only once started.
   */
  #retryLater(): void {
    if (this.#stopped || !this.#cron || this.#retry !== undefined) return;
    this.#retry = this.#d.timers.setTimeout(() => {
      this.#retry = undefined;
      this.runDue().catch((err) => this.#d.log.error({ err }, 'access-log retention: retry failed'));
    }, this.#d.leaseTtlMs + 1_000);
  }

  async #runDue(): Promise<AccessLogPruneStatus | 'not-due'> {
    if (this.#stopped) return 'stopped';
    const now = this.#d.now();
    const slot = lastPurgeHourAtOrBefore(now, this.#d.timeZone);
    const done = async () => {
      const last = await this.#d.repos.meta.get(LAST_RUN);
      return last !== undefined && Date.parse(last) >= slot.getTime();
    };
    if (await done()) return 'not-due';
    const { leases, meta, accessLog } = this.#d.repos;
    if (!(await leases.tryAcquire(LEASE, this.#d.holder, now, this.#d.leaseTtlMs))) {
      this.#retryLater();
      return 'locked';
    }
    try {
      if (await done()) return 'already-ran';
      const before = retentionStart(now, ACCESS_LOG_RETENTION_YEARS);
      let removed = 0;
      for (const ws of await accessLog.chains()) {
        for (;;) {
          if (this.#stopped) return 'stopped';
          const n = await accessLog.pruneBefore(ws, before, this.#d.batch);
          removed += n;
          if (n < this.#d.batch) break;
          if (!(await leases.tryAcquire(LEASE, this.#d.holder, this.#d.now(), this.#d.leaseTtlMs))) {
            return 'lease-lost';
          }
        }
      }
      await meta.set(LAST_RUN, now.toISOString());
      this.#d.log.info({ removed, before }, 'access-log retention: entries older than 2 years removed');
      return 'ran';
    } finally {
      await leases.release(LEASE, this.#d.holder);
    }
  }
}
