import path from 'node:path';
import type Database from 'better-sqlite3';
import { BackupBusy, type BackupResult, createBackup, listGenerations } from './backupService.js';
import type { BackupKeys } from './keys.js';
import { generationTime } from './policy.js';

/** What the backup command says on the shared store: it has its own backup (docs/STORAGE.md). */
export const FIRESTORE_EXPORT_NOTE =
  'STORE=firestore: Tsudoi does not copy the shared store itself. Use the engine\'s own export, e.g. `gcloud firestore export gs://<bucket>/tsudoi-$(date +%F)` on a schedule, and point-in-time recovery; see docs/STORAGE.md "Backups".';

/** Thrown by {@link BackupRunner.run} on the Firestore engine. */
export class BackupNotSupported extends Error {
  constructor() {
    super(FIRESTORE_EXPORT_NOTE);
    this.name = 'BackupNotSupported';
  }
}

export type BackupEngine = { kind: 'sqlite'; db: Database.Database; dataDir: string } | { kind: 'firestore' };

export interface BackupRunnerOptions {
  engine: BackupEngine;
  backupDir: string;
  keep: number;
  keys: BackupKeys;
  now?: () => Date;
  /** Called after each backup, successful (with its result) or not (metrics). */
  onFinished?: (result: BackupResult | undefined) => void;
}

/** One finished generation as the operator sees it. */
export interface GenerationInfo {
  id: string;
  createdAt: string;
  dir: string;
}

/** Runs backups for the configured engine, one at a time in this process (the folder lock covers others). */
export class BackupRunner {
  readonly #o: BackupRunnerOptions;
  #running: Promise<BackupResult> | undefined;

  constructor(options: BackupRunnerOptions) {
    this.#o = options;
  }

  get supported(): boolean {
    return this.#o.engine.kind === 'sqlite';
  }

  get backupDir(): string {
    return this.#o.backupDir;
  }

  /** Takes a backup now; a call while one runs gets that run's result. */
  run(): Promise<BackupResult> {
    const engine = this.#o.engine;
    if (engine.kind !== 'sqlite') return Promise.reject(new BackupNotSupported());
    this.#running ??= createBackup(
      { db: engine.db, dataDir: engine.dataDir },
      { backupDir: this.#o.backupDir, key: this.#o.keys.current, keep: this.#o.keep },
      this.#o.now,
    )
      .then(
        (r) => {
          this.#o.onFinished?.(r);
          return r;
        },
        (err: unknown) => {
          if (!(err instanceof BackupBusy)) this.#o.onFinished?.(undefined);
          throw err;
        },
      )
      .finally(() => {
        this.#running = undefined;
      });
    return this.#running;
  }

  /** Waits for a backup in progress, if any (shutdown). */
  async settled(): Promise<void> {
    await this.#running?.catch(() => undefined);
  }

  async list(): Promise<GenerationInfo[]> {
    const ids = await listGenerations(this.#o.backupDir);
    return ids.map((id) => ({
      id,
      createdAt: (generationTime(id) as Date).toISOString(),
      dir: path.join(this.#o.backupDir, id),
    }));
  }

  /** Start time of the newest finished generation. */
  async newest(): Promise<Date | undefined> {
    const ids = await listGenerations(this.#o.backupDir);
    const last = ids.at(-1);
    return last ? generationTime(last) : undefined;
  }
}
