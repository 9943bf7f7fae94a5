import type { FastifyInstance } from 'fastify';
import { backupRoutes } from '../backup/backupRoutes.js';
import { BackupRunner } from '../backup/backupRunner.js';
import { backupKeysOf } from '../backup/keys.js';
import { BackupScheduler } from '../backup/scheduler.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { SqliteStore } from '../storage/sqlite/sqliteStore.js';
import type { Store } from '../storage/store.js';

/** The operations side of the server (R20, R21): backups now; see docs/SECURITY.md "Operator endpoints". */
export interface Operations {
  readonly backups: BackupRunner;
  readonly backupScheduler: BackupScheduler;
  close(): Promise<void>;
}

/** Wires backups (runner, 24-hour scheduler, operator routes). Call before the server listens. */
export function startOperations(
  http: FastifyInstance,
  d: { config: Config; store: Store; clock: Clock },
): Operations {
  const { config, store } = d;
  const backups = new BackupRunner({
    engine:
      store instanceof SqliteStore
        ? { kind: 'sqlite', db: store.db, dataDir: config.dataDir }
        : { kind: 'firestore' },
    backupDir: config.backup.dir,
    keep: config.backup.generations,
    keys: backupKeysOf(config.masterKeys),
    now: d.clock,
  });
  const backupScheduler = new BackupScheduler({ runner: backups, log: http.log, now: d.clock });
  backupScheduler.start();
  backupRoutes(http, { token: config.opsToken, runner: backups });
  return {
    backups,
    backupScheduler,
    close: () => backupScheduler.stop(),
  };
}
