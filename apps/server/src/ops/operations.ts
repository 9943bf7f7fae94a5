import type { FastifyInstance } from 'fastify';
import { backupRoutes } from '../backup/backupRoutes.js';
import { type BackupEngine, BackupRunner } from '../backup/backupRunner.js';
import { backupKeysOf } from '../backup/keys.js';
import { BackupScheduler } from '../backup/scheduler.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { MediaService } from '../media/mediaService.js';
import type { MediaWorkerPool } from '../media/workerPool.js';
import type { TsudoiServer } from '../realtime/types.js';
import type { RetentionScheduler } from '../retention/scheduler.js';
import { MaintenanceNotifier } from './maintenanceNotifier.js';
import type { MaintenanceRepo } from './maintenanceRepo.js';
import { maintenanceRoutes } from './maintenanceRoutes.js';
import { MaintenanceService } from './maintenanceService.js';
import { OpsMetrics } from './metrics.js';
import { metricsRoutes } from './metricsRoutes.js';
import type { OperatorCheck } from './opsAuth.js';

/** The operations side of the server (R20, R21); see docs/SECURITY.md "Operator endpoints". */
export interface Operations {
  readonly backups: BackupRunner;
  readonly backupScheduler: BackupScheduler;
  readonly metrics: OpsMetrics;
  readonly maintenance: MaintenanceService;
  readonly maintenanceNotifier: MaintenanceNotifier;
  /** Connects what only exists once the socket gateway runs (live counts). */
  attach(io: TsudoiServer): void;
  close(): Promise<void>;
}

export interface OperationsDeps {
  config: Config;
  /** What backups copy (`storage/backupEngine.ts`). */
  backupEngine: BackupEngine;
  maintenanceRepo: MaintenanceRepo;
  /** The operator gate (token, reason, operator audit log): contracts wiring's `gate`. */
  gate: OperatorCheck;
  clock: Clock;
  retention: RetentionScheduler;
  media: MediaService;
  pool: MediaWorkerPool;
}

/** Wires backups (runner, 24-hour scheduler, operator routes), metrics and maintenance windows. Before listen. */
export function startOperations(http: FastifyInstance, d: OperationsDeps): Operations {
  const { config } = d;
  const metrics = new OpsMetrics();
  metrics.instrument(http);
  const onPurge = metrics.purgeFinished.bind(metrics);
  d.retention.runs.on('finished', onPurge);
  metricsRoutes(http, { operators: config.operators, metrics });

  const backups = new BackupRunner({
    engine: d.backupEngine,
    backupDir: config.backup.dir,
    keep: config.backup.generations,
    keys: backupKeysOf(config.masterKeys),
    now: d.clock,
    onFinished: (r) => metrics.backupFinished(r !== undefined, r?.durationMs),
  });
  const backupScheduler = new BackupScheduler({ runner: backups, log: http.log, now: d.clock });
  // Test servers (NODE_ENV=test) come and go by the hundred in temporary folders: no daily job for them
  // (the scheduler has its own tests, backup/scheduler.test.ts).
  if (config.nodeEnv !== 'test') backupScheduler.start();
  backupRoutes(http, { gate: d.gate, runner: backups });

  const maintenance = new MaintenanceService({
    repo: d.maintenanceRepo,
    clock: d.clock,
    bannerDays: config.maintenance.bannerDays,
    roomNoticeMinutes: config.maintenance.roomNoticeMinutes,
    ...(config.maintenance.schedule === 'off' ? { rule: null } : {}),
  });
  maintenanceRoutes(http, { gate: d.gate, service: maintenance, now: d.clock });
  const maintenanceNotifier = new MaintenanceNotifier({ service: maintenance, log: http.log, now: d.clock });
  return {
    backups,
    backupScheduler,
    metrics,
    maintenance,
    maintenanceNotifier,
    attach: (io) => {
      metrics.attach({ io, media: d.media, pool: d.pool });
      maintenanceNotifier.start(io);
    },
    close: async () => {
      maintenanceNotifier.stop();
      await backupScheduler.stop();
      d.retention.runs.off('finished', onPurge);
      metrics.close();
    },
  };
}
