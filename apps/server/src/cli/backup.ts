import fs from 'node:fs';
import path from 'node:path';
import { BackupNotSupported, BackupRunner, FIRESTORE_EXPORT_NOTE } from '../backup/backupRunner.js';
import { BackupBusy, DB_NAME } from '../backup/backupService.js';
import { backupKeysOf } from '../backup/keys.js';
import { generationTime } from '../backup/policy.js';
import { RestoreRefused, restoreBackup, verifyGeneration } from '../backup/restore.js';
import { SqliteStore } from '../storage/sqlite/sqliteStore.js';
import { cliConfig, runAsCommand } from './cliRuntime.js';

const USAGE = `usage: node apps/server/dist/cli/backup.js <command>
  create                        take a backup now (safe while the server runs)
  list                          list the generations in BACKUP_DIR
  verify <generation>           check a generation's checksums and manifest without restoring
  restore <generation> <dir>    restore a generation into <dir>, a new or empty data directory
<generation> is a name from "list" or a path to a generation folder. The server's variables apply
(DATA_DIR, BACKUP_DIR, BACKUP_GENERATIONS, MASTER_KEY / MASTER_KEY_FILE / MASTER_KEY_PREVIOUS, STORE).
Exit codes: 0 done; 1 failed; 2 bad arguments or configuration; 3 restore target not empty;
4 backup damaged or made under a master key that is not configured; 5 another backup is running;
6 STORE=firestore (use the engine's export, see docs/STORAGE.md).`;

type Out = { log(s: string): void; error(s: string): void };

/** The operator's backup command (R20). Returns the exit code; results are JSON lines on stdout. */
export async function backupCli(
  args: readonly string[],
  env: Record<string, string | undefined>,
  out: Out = console,
): Promise<number> {
  const [command, ...rest] = args;
  const arity: Record<string, number> = { create: 0, list: 0, verify: 1, restore: 2 };
  if (!command || arity[command] === undefined || rest.length !== arity[command]) {
    out.error(USAGE);
    return 2;
  }
  const config = cliConfig(env, out);
  if (!config) return 2;
  const keys = backupKeysOf(config.masterKeys);
  const generationDir = (g: string) =>
    generationTime(g) !== undefined ? path.join(config.backup.dir, g) : path.resolve(g);
  try {
    switch (command) {
      case 'create': {
        if (config.store.kind !== 'sqlite') {
          out.error(`tsudoi: ${FIRESTORE_EXPORT_NOTE}`);
          return 6;
        }
        if (!fs.existsSync(path.join(config.dataDir, DB_NAME))) {
          out.error(`tsudoi: no Tsudoi database in ${config.dataDir} (DATA_DIR)`);
          return 2;
        }
        const store = SqliteStore.inDataDir(config.dataDir);
        try {
          const runner = new BackupRunner({
            engine: { kind: 'sqlite', db: store.db, dataDir: config.dataDir },
            backupDir: config.backup.dir,
            keep: config.backup.generations,
            keys,
          });
          const r = await runner.run();
          out.log(JSON.stringify({ ...r, backupDir: config.backup.dir }));
          return 0;
        } finally {
          await store.close();
        }
      }
      case 'list': {
        const runner = new BackupRunner({
          engine: { kind: 'firestore' },
          backupDir: config.backup.dir,
          keep: config.backup.generations,
          keys,
        });
        for (const g of await runner.list()) out.log(JSON.stringify(g));
        if (config.store.kind !== 'sqlite') out.error(`tsudoi: ${FIRESTORE_EXPORT_NOTE}`);
        return 0;
      }
      case 'verify': {
        const { manifest } = await verifyGeneration(generationDir(rest[0] as string), keys);
        out.log(JSON.stringify({ ok: true, id: manifest.id, files: manifest.files.length }));
        return 0;
      }
      default: {
        const target = path.resolve(rest[1] as string);
        const r = await restoreBackup(generationDir(rest[0] as string), target, keys);
        out.log(JSON.stringify({ restored: r.manifest.id, files: r.files, dataDir: target }));
        out.error(`tsudoi: restored; start the server with DATA_DIR=${target} and the same MASTER_KEY.`);
        return 0;
      }
    }
  } catch (err) {
    if (err instanceof RestoreRefused) {
      out.error(`tsudoi: restore refused: ${err.message}`);
      return err.kind === 'target-not-empty' ? 3 : err.kind === 'missing' ? 2 : 4;
    }
    if (err instanceof BackupBusy) {
      out.error(`tsudoi: ${err.message}`);
      return 5;
    }
    if (err instanceof BackupNotSupported) {
      out.error(`tsudoi: ${err.message}`);
      return 6;
    }
    throw err;
  }
}

runAsCommand(import.meta.url, backupCli, 'backup command');
