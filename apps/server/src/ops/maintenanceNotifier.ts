import type { TsudoiServer } from '../realtime/types.js';
import type { MaintenanceService } from './maintenanceService.js';

const CHECK_MS = 30_000;

/**
 * R21: tells every open socket of this instance, once per window, that maintenance starts within
 * MAINTENANCE_ROOM_NOTICE_MINUTES (`maintenance:soon`); the room shows it. Checks every 30 s; each instance
 * tells its own sockets (`io.local`), so a shared adapter does not deliver it twice.
 */
export class MaintenanceNotifier {
  readonly #service: MaintenanceService;
  readonly #log: { error(obj: object, msg: string): void };
  readonly #now: () => Date;
  readonly #sent = new Set<string>();
  #io: Pick<TsudoiServer, 'local'> | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(o: {
    service: MaintenanceService;
    log: { error(obj: object, msg: string): void };
    now: () => Date;
  }) {
    this.#service = o.service;
    this.#log = o.log;
    this.#now = o.now;
  }

  start(io: Pick<TsudoiServer, 'local'>): void {
    this.#io = io;
    this.#timer ??= setInterval(() => {
      this.tick().catch((err) => this.#log.error({ err }, 'maintenance: notice check failed'));
    }, CHECK_MS);
    this.#timer.unref();
  }

  /** One check; returns the ids of the windows announced now. */
  async tick(): Promise<string[]> {
    if (!this.#io) return [];
    const sent: string[] = [];
    for (const window of await this.#service.roomNoticesDue()) {
      if (this.#sent.has(window.id)) continue;
      this.#sent.add(window.id);
      const minutesLeft = Math.max(
        1,
        Math.ceil((Date.parse(window.startsAt) - this.#now().getTime()) / 60_000),
      );
      this.#io.local.emit('maintenance:soon', { window, minutesLeft });
      sent.push(window.id);
    }
    return sent;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#io = undefined;
  }
}
