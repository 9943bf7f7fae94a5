import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MediaService } from '../media/mediaService.js';
import type { MediaWorkerPool } from '../media/workerPool.js';
import type { TsudoiServer } from '../realtime/types.js';
import type { PurgeRunTiming } from '../retention/scheduler.js';

/** What the metrics read on each scrape. */
export interface MetricSources {
  io: Pick<TsudoiServer, 'of'>;
  media: Pick<MediaService, 'stats'>;
  pool: Pick<MediaWorkerPool, 'size' | 'load'>;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * R21: the server's metrics in the Prometheus text format, in a registry of this app instance (tests run
 * several apps in one process). Gauges are read at scrape time; counters and histograms are fed by the
 * HTTP hook, the purge and the backup. Labels are bounded: HTTP routes are the matched pattern
 * (`/api/workspaces/:workspaceId`), never the URL (which may carry ids or tokens); unmatched is `unmatched`.
 */
export class OpsMetrics {
  readonly registry = new Registry();
  readonly #loop = monitorEventLoopDelay({ resolution: 20 });
  #sources: MetricSources | undefined;
  readonly #http: Histogram<'method' | 'route' | 'status'>;
  readonly #purgeRuns: Counter<'kind' | 'status'>;
  readonly #purgeSeconds: Histogram<'kind'>;
  readonly #backups: Counter<'status'>;
  readonly #backupSeconds: Histogram;

  constructor() {
    const registers = [this.registry];
    const live = (name: string, help: string, read: (s: MetricSources) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const s = self.#sources;
          this.set(s ? read(s) : 0);
        },
      });
    const self = this;
    const workspaceSockets = (s: MetricSources) =>
      [...s.io.of('/').sockets.values()].filter((k) => k.data.identity !== undefined);
    live(
      'tsudoi_sockets',
      'Open socket.io connections (workspace and anonymous).',
      (s) => s.io.of('/').sockets.size,
    );
    live(
      'tsudoi_connected_users',
      'Distinct signed-in people with at least one open workspace socket.',
      (s) => new Set(workspaceSockets(s).map((k) => k.data.identity?.user.id)).size,
    );
    live(
      'tsudoi_rooms_active',
      'Rooms with a live media router (people in a call).',
      (s) => s.media.stats().rooms,
    );
    live(
      'tsudoi_media_peers',
      'Media peers (people connected to a room’s SFU).',
      (s) => s.media.stats().peers,
    );
    live(
      'tsudoi_media_consumers',
      'SFU consumers (streams forwarded to a listener).',
      (s) => s.media.stats().consumers,
    );
    live(
      'tsudoi_media_producers',
      'SFU producers (microphones and cameras sent).',
      (s) => s.media.stats().producers,
    );
    live(
      'tsudoi_media_links',
      'Media links to other nodes (rooms bigger than one node: PipeTransports per link).',
      (s) => s.media.stats().links,
    );
    live(
      'tsudoi_media_satellite_rooms',
      'Rooms this node holds part of for another node that hosts them (it was full).',
      (s) => s.media.stats().satellites,
    );
    live('tsudoi_media_workers', 'Running mediasoup workers.', (s) => s.pool.size);
    new Gauge({
      name: 'tsudoi_media_worker_routers',
      help: 'Routers (rooms) hosted per mediasoup worker: its load.',
      labelNames: ['worker'],
      registers,
      collect() {
        this.reset();
        for (const [i, w] of (self.#sources?.pool.load ?? []).entries())
          this.set({ worker: String(i) }, w.routers);
      },
    });
    const loop = this.#loop;
    loop.enable();
    for (const [q, label] of [
      [50, 'p50'],
      [99, 'p99'],
    ] as const) {
      new Gauge({
        name: `tsudoi_event_loop_delay_${label}_seconds`,
        help: `Event-loop delay, ${label} since the previous scrape.`,
        registers,
        collect() {
          this.set(loop.count > 0 ? loop.percentile(q) / 1e9 : 0);
        },
      });
    }
    new Gauge({
      name: 'tsudoi_event_loop_delay_max_seconds',
      help: 'Longest event-loop delay since the previous scrape (then reset).',
      registers,
      collect() {
        this.set(loop.count > 0 ? loop.max / 1e9 : 0);
        loop.reset();
      },
    });
    this.#http = new Histogram({
      name: 'tsudoi_http_request_duration_seconds',
      help: 'HTTP request latency by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      buckets: SECONDS,
      registers,
    });
    this.#purgeRuns = new Counter({
      name: 'tsudoi_purge_runs_total',
      help: 'Message purges run (nightly zone runs and room-empty purges), by outcome.',
      labelNames: ['kind', 'status'],
      registers,
    });
    this.#purgeSeconds = new Histogram({
      name: 'tsudoi_purge_duration_seconds',
      help: 'Duration of message purges.',
      labelNames: ['kind'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
      registers,
    });
    this.#backups = new Counter({
      name: 'tsudoi_backups_total',
      help: 'Backups taken (R20), by outcome.',
      labelNames: ['status'],
      registers,
    });
    this.#backupSeconds = new Histogram({
      name: 'tsudoi_backup_duration_seconds',
      help: 'Duration of backups.',
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 1800],
      registers,
    });
  }

  /** Starts reading live counts (sockets, media) once the gateway exists. */
  attach(sources: MetricSources): void {
    this.#sources = sources;
  }

  /** Times every HTTP request by its route pattern. Add before the server is ready. */
  instrument(http: FastifyInstance): void {
    http.addHook('onResponse', async (req, reply) => {
      this.#http.observe(
        { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });
  }

  purgeFinished(run: PurgeRunTiming): void {
    this.#purgeRuns.inc({ kind: run.kind, status: run.status });
    this.#purgeSeconds.observe({ kind: run.kind }, run.durationMs / 1000);
  }

  backupFinished(ok: boolean, durationMs?: number): void {
    this.#backups.inc({ status: ok ? 'ok' : 'failed' });
    if (durationMs !== undefined) this.#backupSeconds.observe(durationMs / 1000);
  }

  close(): void {
    this.#loop.disable();
    this.#sources = undefined;
  }
}
