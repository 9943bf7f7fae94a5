import { randomUUID } from 'node:crypto';
import type { MaintenanceWindow } from '@tsudoi/protocol';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import {
  bannerRange,
  bannerWindows,
  DEFAULT_SCHEDULE,
  mergeWindows,
  roomNoticesDue,
  type ScheduleRule,
  scheduledWindow,
  scheduledWindows,
  type WindowLike,
} from './maintenancePolicy.js';
import type { MaintenanceRecord, MaintenanceRepo } from './maintenanceRepo.js';

const DAY_MS = 86_400_000;
/** An operator window may last at most this long (a typo in a date must not announce a month of downtime). */
export const MAX_WINDOW_MS = 3 * DAY_MS;

export interface MaintenanceOptions {
  repo: MaintenanceRepo;
  clock: Clock;
  bannerDays: number;
  roomNoticeMinutes: number;
  /** The recurring schedule; `null`: operators' windows only (MAINTENANCE_SCHEDULE=off). */
  rule?: ScheduleRule | null;
}

const toWire = (w: WindowLike): MaintenanceWindow => ({
  id: w.id,
  startsAt: w.startsAt,
  endsAt: w.endsAt,
  source: w.source,
  ...(w.note ? { note: w.note } : {}),
});

const fromRecord = (r: MaintenanceRecord): WindowLike => ({
  id: r.id,
  startsAt: r.startsAt,
  endsAt: r.endsAt,
  source: r.source,
  ...(r.note ? { note: r.note } : {}),
  cancelledAt: r.cancelledAt,
});

/** Planned maintenance (R21): the schedule merged with operators' additions and cancellations. */
export class MaintenanceService {
  readonly #o: MaintenanceOptions;
  readonly #rule: ScheduleRule | null;

  constructor(options: MaintenanceOptions) {
    this.#o = options;
    this.#rule = options.rule === undefined ? DEFAULT_SCHEDULE : options.rule;
  }

  get roomNoticeMinutes(): number {
    return this.#o.roomNoticeMinutes;
  }

  /** Every window overlapping [from, to), cancelled ones only with `withCancelled`. */
  async windows(from: Date, to: Date, withCancelled = false): Promise<Array<WindowLike>> {
    const stored = await this.#o.repo.listOverlapping(from.toISOString(), to.toISOString());
    return mergeWindows(
      this.#rule ? scheduledWindows(from, to, this.#rule) : [],
      stored.map(fromRecord),
      from,
      to,
      withCancelled,
    );
  }

  /** What users see now: windows in progress or starting within MAINTENANCE_BANNER_DAYS. */
  async banner(): Promise<MaintenanceWindow[]> {
    const now = this.#o.clock();
    const { from, to } = bannerRange(now, this.#o.bannerDays);
    return bannerWindows(await this.windows(from, to), now, this.#o.bannerDays).map(toWire);
  }

  /** Windows whose room notice is due now (the notifier remembers which it sent). */
  async roomNoticesDue(): Promise<MaintenanceWindow[]> {
    const now = this.#o.clock();
    const to = new Date(now.getTime() + this.#o.roomNoticeMinutes * 60_000 + 1);
    return roomNoticesDue(await this.windows(now, to), now, this.#o.roomNoticeMinutes).map(toWire);
  }

  /** Operator: adds a window in the future, at most {@link MAX_WINDOW_MS} long. */
  async add(input: { startsAt: string; endsAt: string; note?: string | undefined }, by: string) {
    const start = Date.parse(input.startsAt);
    const end = Date.parse(input.endsAt);
    const now = this.#o.clock().getTime();
    if (!(end > start))
      throw AppError.badRequest('The window must end after it starts.', { endsAt: 'before start' });
    if (start <= now)
      throw AppError.badRequest('The window must start in the future.', { startsAt: 'in the past' });
    if (end - start > MAX_WINDOW_MS)
      throw AppError.badRequest('A maintenance window lasts at most 3 days.', { endsAt: 'too long' });
    const record: MaintenanceRecord = {
      id: `op-${randomUUID()}`,
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(end).toISOString(),
      source: 'operator',
      note: input.note?.trim() || null,
      createdAt: new Date(now).toISOString(),
      createdBy: by,
      cancelledAt: null,
      cancelledBy: null,
    };
    await this.#o.repo.create(record);
    return toWire(fromRecord(record));
  }

  /** Operator: cancels an added window or a scheduled one (`schedule-YYYY-MM`). */
  async cancel(id: string, by: string): Promise<MaintenanceWindow> {
    const at = this.#o.clock().toISOString();
    const m = /^schedule-(\d{4})-(\d{2})$/.exec(id);
    let record = await this.#o.repo.get(id);
    if (!record && m && this.#rule) {
      const month = Number(m[2]);
      if (month < 1 || month > 12) throw AppError.notFound('No such maintenance window.');
      const w = scheduledWindow(Number(m[1]), month, this.#rule);
      record = {
        id,
        startsAt: w.startsAt,
        endsAt: w.endsAt,
        source: 'schedule',
        note: null,
        createdAt: at,
        createdBy: by,
        cancelledAt: null,
        cancelledBy: null,
      };
      await this.#o.repo.create(record); // a concurrent cancel may have created it: fine either way
    }
    if (!record) throw AppError.notFound('No such maintenance window.');
    if (!(await this.#o.repo.cancel(id, at, by)))
      throw AppError.conflict('This window is already cancelled.');
    return toWire(fromRecord(record));
  }
}
