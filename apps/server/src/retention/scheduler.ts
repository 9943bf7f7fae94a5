import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Cron } from 'croner';
import type { AccessLogRepo } from '../audit/accessLogRepo.js';
import type { BlobStore } from '../chat/blobStore.js';
import type { MessageRepo } from '../chat/messageRepo.js';
import type { LeaseRepo, MetaRepo } from '../jobs/jobRepos.js';
import { systemTimers, type TimerHandle, type Timers } from '../timers.js';
import type { WorkspaceRepo } from '../workspaces/workspaceRepo.js';
import { isValidTimeZone, lastPurgeHourAtOrBefore } from './policy.js';
import { type PurgeCounts, type PurgedConversation, Purger, type RetentionLogger } from './purger.js';

export interface RetentionSchedulerOptions {
  repos: {
    workspaces: Pick<WorkspaceRepo, 'listByIds'>;
    messages: MessageRepo;
    leases: LeaseRepo;
    meta: MetaRepo;
    accessLog: AccessLogRepo;
  };
  /** The store's `flushDeletions` (R8: deleted rows unreadable from its files). */
  flushDeletions: () => Promise<void>;
  blobs: BlobStore;
  log: RetentionLogger;
  now?: () => Date;
  /** Zone for a workspace whose stored zone this runtime does not know (R8 default). */
  defaultTimeZone?: string;
  /** This instance's name in the lease table. */
  holder?: string;
  leaseTtlMs?: number;
  /** For the retry after finding the lease taken (tests inject fake ones). */
  timers?: Timers;
  pageSize?: number;
  messageBatch?: number;
  onPurged?: (purged: PurgedConversation) => void;
}

export type RunStatus = 'ran' | 'already-ran' | 'locked' | 'lease-lost' | 'stopped';

export interface ZoneRunReport extends PurgeCounts {
  timeZone: string;
  status: RunStatus;
  workspaces: number;
}

/** One finished purge, for metrics (ops/metrics.ts): which kind, its status and how long it took. */
export interface PurgeRunTiming {
  kind: 'nightly' | 'room-empty';
  status: RunStatus | 'failed';
  durationMs: number;
  messages: number;
}

const LEASE = 'retention.purge';
const lastRunKey = (timeZone: string) => `retention.lastRun:${timeZone}`;

/**
 * Runs the purge at 01:00 in each workspace time zone (one croner job per distinct zone), catches up at
 * start-up on a 01:00 missed during downtime, and takes a lease so only one instance purges at a time.
 * A run for zone Z is "done" for the latest 01:00 in Z once `retention.lastRun:Z` (store meta) is at or
 * after it, so a second instance arriving later skips rather than purging again.
 */
export class RetentionScheduler {
  readonly #store: RetentionSchedulerOptions['repos'];
  readonly #log: RetentionLogger;
  readonly #now: () => Date;
  readonly #defaultTz: string;
  readonly #holder: string;
  readonly #leaseTtlMs: number;
  readonly #purger: Purger;
  readonly #crons = new Map<string, Cron>();
  readonly #retries = new Map<string, TimerHandle>();
  readonly #timers: Timers;
  #resync: Cron | undefined;
  // Runs are serialised within an instance; the lease serialises them across instances.
  #queue: Promise<unknown> = Promise.resolve();
  #started = false;
  #stopped = false;
  /** Emits `finished` after every nightly zone run and every room-empty purge (R21 metrics). */
  readonly runs = new EventEmitter<{ finished: [PurgeRunTiming] }>();

  constructor(options: RetentionSchedulerOptions) {
    this.#store = options.repos;
    this.#log = options.log;
    this.#now = options.now ?? (() => new Date());
    this.#defaultTz = options.defaultTimeZone ?? 'Asia/Tokyo';
    this.#holder = options.holder ?? `retention-${randomUUID()}`;
    this.#leaseTtlMs = options.leaseTtlMs ?? 5 * 60_000;
    this.#timers = options.timers ?? systemTimers;
    this.#purger = new Purger({
      messages: options.repos.messages,
      accessLog: options.repos.accessLog,
      blobs: options.blobs,
      log: options.log,
      flushDeletions: options.flushDeletions,
      ...(options.onPurged ? { onPurged: options.onPurged } : {}),
      ...(options.pageSize ? { pageSize: options.pageSize } : {}),
      ...(options.messageBatch ? { messageBatch: options.messageBatch } : {}),
      checkpoint: () => this.#renewLease(),
    });
  }

  /** Zones that currently have a 01:00 job. */
  get timeZones(): string[] {
    return [...this.#crons.keys()].sort();
  }

  /** Schedules the zones' jobs and runs any 01:00 missed while the server was down. Resolves after catch-up. */
  async start(): Promise<ZoneRunReport[]> {
    if (this.#started) throw new Error('RetentionScheduler already started');
    this.#started = true;
    await this.syncZones();
    if (this.#stopped) return []; // stop() came while the zones were being read
    // Every 15 minutes: pick up new workspaces and zone changes, and run any 01:00 still without a recorded
    // run (a zone that appeared after its 01:00, a failed run, a timer that fired a hair early).
    this.#resync = new Cron('*/15 * * * *', { unref: true, protect: true }, async () => {
      try {
        await this.syncZones();
        await this.runDue();
      } catch (err) {
        this.#log.error({ err }, 'retention: periodic check failed');
      }
    });
    return this.runDue();
  }

  /** Stops every job and retry timer, then waits for a run in progress to finish. Idempotent. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#resync?.stop();
    for (const cron of this.#crons.values()) cron.stop();
    this.#crons.clear();
    for (const t of this.#retries.values()) this.#timers.clearTimeout(t);
    this.#retries.clear();
    await this.#queue.catch(() => undefined);
  }

  /**
   * Makes the set of 01:00 jobs match the zones of workspaces that hold messages. The workspaces
   * engineer may call it after a workspace changes its zone; it also runs every 15 minutes.
   */
  async syncZones(): Promise<void> {
    if (this.#stopped) return;
    const zones = new Set(await this.#zones());
    if (this.#stopped) return;
    for (const [zone, cron] of this.#crons) {
      if (zones.has(zone)) continue;
      cron.stop();
      this.#crons.delete(zone);
    }
    for (const zone of zones) {
      if (this.#crons.has(zone)) continue;
      const cron = new Cron('0 1 * * *', { timezone: zone, unref: true, protect: true }, () => {
        this.runZone(zone).catch((err) => this.#log.error({ err, timeZone: zone }, 'retention: run failed'));
      });
      this.#crons.set(zone, cron);
    }
  }

  /** Runs every zone whose latest 01:00 has no recorded run (start-up catch-up; also safe to call any time). */
  async runDue(): Promise<ZoneRunReport[]> {
    const reports: ZoneRunReport[] = [];
    const now = this.#now();
    for (const zone of await this.#zones()) {
      const last = await this.#store.meta.get(lastRunKey(zone));
      const slot = lastPurgeHourAtOrBefore(now, zone);
      if (last !== undefined && Date.parse(last) >= slot.getTime()) continue;
      this.#log.info(
        { timeZone: zone, lastRun: last ?? null, missed: slot.toISOString() },
        'retention: catching up',
      );
      reports.push(await this.runZone(zone));
    }
    return reports;
  }

  /** The 01:00 run for one zone: purges each workspace in it, if no other instance holds or did the run. */
  runZone(timeZone: string): Promise<ZoneRunReport> {
    const run = this.#queue.then(() => this.#timed('nightly', () => this.#runZone(timeZone)));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * R6: deletes every message of one conversation at once (the room became empty). Not queued behind a
   * nightly run and needs no lease: each delete step is atomic, and a second delete finds nothing.
   */
  async purgeConversationNow(workspaceId: string, conversationId: string) {
    return this.#timed('room-empty', () =>
      this.#purger.purgeConversation(workspaceId, conversationId, this.#now(), 'room-empty'),
    );
  }

  async #timed<T extends { messages: number; status?: RunStatus }>(
    kind: PurgeRunTiming['kind'],
    fn: () => Promise<T>,
  ): Promise<T> {
    const t0 = performance.now();
    const done = (status: PurgeRunTiming['status'], messages: number) =>
      this.runs.emit('finished', { kind, status, durationMs: performance.now() - t0, messages });
    try {
      const r = await fn();
      done(r.status ?? 'ran', r.messages);
      return r;
    } catch (err) {
      done('failed', 0);
      throw err;
    }
  }

  async #runZone(timeZone: string): Promise<ZoneRunReport> {
    const report: ZoneRunReport = {
      timeZone,
      status: 'ran',
      workspaces: 0,
      conversations: 0,
      messages: 0,
      attachments: 0,
    };
    // A run queued just as the app shut down must not touch a store that is closing.
    if (this.#stopped) return { ...report, status: 'stopped' };
    const now = this.#now();
    const slot = lastPurgeHourAtOrBefore(now, timeZone);
    if (!(await this.#store.leases.tryAcquire(LEASE, this.#holder, now, this.#leaseTtlMs))) {
      // Another instance is purging. If it dies midway its lease expires; check again then.
      this.#retryLater(timeZone);
      return { ...report, status: 'locked' };
    }
    try {
      const last = await this.#store.meta.get(lastRunKey(timeZone));
      if (last !== undefined && Date.parse(last) >= slot.getTime())
        return { ...report, status: 'already-ran' };
      await this.#purger.drainPendingBlobs();
      for (const ws of await this.#workspacesIn(timeZone)) {
        const res = await this.#purger.purgeWorkspace(ws.id, timeZone, now);
        report.workspaces++;
        report.conversations += res.conversations;
        report.messages += res.messages;
        report.attachments += res.attachments;
        if (res.stopped) {
          this.#log.warn({ timeZone, workspaceId: ws.id }, 'retention: lease lost, stopping this run');
          return { ...report, status: 'lease-lost' };
        }
      }
      await this.#store.meta.set(lastRunKey(timeZone), now.toISOString());
      const { status: _s, ...counts } = report;
      this.#log.info(counts, 'retention: run finished');
      return report;
    } finally {
      await this.#store.leases.release(LEASE, this.#holder);
    }
  }

  async #renewLease(): Promise<boolean> {
    return this.#store.leases.tryAcquire(LEASE, this.#holder, this.#now(), this.#leaseTtlMs);
  }

  #retryLater(timeZone: string) {
    if (this.#stopped || !this.#started || this.#retries.has(timeZone)) return;
    const t = this.#timers.setTimeout(() => {
      this.#retries.delete(timeZone);
      this.runZone(timeZone).catch((err) => this.#log.error({ err, timeZone }, 'retention: retry failed'));
    }, this.#leaseTtlMs + 1000); // systemTimers unref it
    this.#retries.set(timeZone, t);
  }

  /** Workspaces holding messages, with the zone the policy uses for each (as stored now). */
  async #workspaceZones(): Promise<Array<{ id: string; timeZone: string }>> {
    const ids = await this.#store.messages.workspacesWithMessages();
    const found = await this.#store.workspaces.listByIds(ids);
    return found.map((ws) => {
      if (isValidTimeZone(ws.timeZone)) return { id: ws.id, timeZone: ws.timeZone };
      this.#log.warn(
        { workspaceId: ws.id, timeZone: ws.timeZone },
        'retention: unknown time zone, using default',
      );
      return { id: ws.id, timeZone: this.#defaultTz };
    });
  }

  async #zones(): Promise<string[]> {
    return [...new Set((await this.#workspaceZones()).map((w) => w.timeZone))].sort();
  }

  async #workspacesIn(timeZone: string) {
    return (await this.#workspaceZones()).filter((w) => w.timeZone === timeZone);
  }
}
