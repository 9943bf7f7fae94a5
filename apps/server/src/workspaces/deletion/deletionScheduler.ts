import { randomUUID } from 'node:crypto';
import type { ContractRepo } from '../../contracts/contractRepo.js';
import type { LeaseRepo } from '../../jobs/jobRepos.js';
import type { RetentionLogger } from '../../retention/purger.js';
import { type Clock, systemTimers, type TimerHandle, type Timers } from '../../timers.js';
import type { WorkspaceDeletionService } from './workspaceDeletionService.js';

const LEASE = 'workspace.erasure';

export interface DeletionSchedulerOptions {
  deletions: Pick<WorkspaceDeletionService, 'eraseDue'>;
  repos: { leases: LeaseRepo; contracts: Pick<ContractRepo, 'pruneLog'> };
  log: RetentionLogger;
  clock: Clock;
  timers?: Timers;
  /** How often it looks for due erasures (default hourly). */
  intervalMs?: number;
  leaseTtlMs?: number;
}

/**
 * Runs the erasure of workspaces whose grace period ended, and removes contract-log entries older than 8
 * years, every hour and at start-up, once across instances (a lease). The decisions are the pure policies'
 * (deletionPolicy.ts, contractLogRetention.ts); this only schedules.
 */
export class DeletionScheduler {
  readonly #d: DeletionSchedulerOptions & { timers: Timers; intervalMs: number; leaseTtlMs: number };
  readonly #holder = `erasure-${randomUUID()}`;
  #timer: TimerHandle | undefined;
  #running: Promise<unknown> = Promise.resolve();
  #stopped = false;

  constructor(options: DeletionSchedulerOptions) {
    this.#d = { timers: systemTimers, intervalMs: 3_600_000, leaseTtlMs: 15 * 60_000, ...options };
  }

  start(): void {
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#d.timers.clearTimeout(this.#timer);
    await this.#running.catch(() => undefined);
  }

  /** One run now (also what the timer calls); 'locked' when another instance holds the lease. */
  runOnce(): Promise<'ran' | 'locked' | 'stopped'> {
    const run = this.#running.then(() => this.#run());
    this.#running = run.catch(() => undefined);
    return run;
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = this.#d.timers.setTimeout(() => {
      this.runOnce()
        .catch((err) => this.#d.log.error({ err }, 'workspace erasure: run failed'))
        .finally(() => this.#schedule(this.#d.intervalMs));
    }, ms);
  }

  async #run(): Promise<'ran' | 'locked' | 'stopped'> {
    if (this.#stopped) return 'stopped';
    const { leases, contracts } = this.#d.repos;
    if (!(await leases.tryAcquire(LEASE, this.#holder, this.#d.clock(), this.#d.leaseTtlMs))) return 'locked';
    try {
      for (const e of await this.#d.deletions.eraseDue())
        this.#d.log.info({ workspaceId: e.workspaceId, counts: e.counts }, 'workspace erased');
      let pruned = 0;
      for (let n = -1; n !== 0 && !this.#stopped; pruned += n)
        n = await contracts.pruneLog(this.#d.clock(), 400);
      if (pruned > 0) this.#d.log.info({ pruned }, 'contract log: entries past 8 years removed');
      return 'ran';
    } finally {
      await leases.release(LEASE, this.#holder);
    }
  }
}
