import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Repos, Store } from '../store.js';
import { sqliteAccessLog } from './accessLogRepo.js';
import { sqliteAccounts } from './accountRepos.js';
import { sqliteContracts, sqliteOperatorAudit, sqliteWorkspaceDeletions } from './contractRepos.js';
import { sqliteImages } from './imageRepo.js';
import { sqliteMaintenance } from './maintenanceRepo.js';
import { sqliteMessages } from './messageRepo.js';
import { runMigrations } from './migrate.js';
import { MIGRATIONS } from './migrations.js';
import { sqliteLeases, sqliteMeta, sqliteWorkspaces } from './repos.js';
import { sqliteRooms } from './roomRepo.js';
import { sqliteSso } from './ssoRepo.js';
import { SqliteUnitOfWork } from './unitOfWork.js';
import { sqliteWorkspaceErasers } from './workspaceErasers.js';

const FLUSH_ATTEMPTS = 10;

/** One non-waiting `wal_checkpoint(TRUNCATE)`; true when the whole WAL went into the main file. */
function checkpointTruncate(db: Database.Database): boolean {
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    const [row] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    return row?.busy === 0;
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
}

/** The embedded default store: one SQLite file under DATA_DIR, in WAL mode. */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly db: Database.Database;
  readonly workspaces: Repos['workspaces'];
  readonly accessLog: Repos['accessLog'];
  readonly leases: Repos['leases'];
  readonly meta: Repos['meta'];
  readonly rooms: Repos['rooms'];
  readonly accounts: Repos['accounts'];
  readonly messages: Repos['messages'];
  readonly sso: Repos['sso'];
  readonly contracts: Repos['contracts'];
  readonly operatorAudit: Repos['operatorAudit'];
  readonly workspaceDeletions: Repos['workspaceDeletions'];
  readonly erasers: Store['erasers'];
  readonly images: Repos['images'];
  readonly maintenance: Repos['maintenance'];
  readonly #uow: SqliteUnitOfWork;
  #closed = false;

  /** `file` may be ':memory:' for tests. */
  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // R8: a deleted row's bytes are overwritten with zeros in the page and in freed pages, instead of
    // staying readable in the file until SQLite happens to reuse the space.
    this.db.pragma('secure_delete = ON');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.#uow = new SqliteUnitOfWork(this.db, {
      workspaces: sqliteWorkspaces(this.db),
      accessLog: sqliteAccessLog(this.db),
      leases: sqliteLeases(this.db),
      meta: sqliteMeta(this.db),
      rooms: sqliteRooms(this.db),
      accounts: sqliteAccounts(this.db),
      messages: sqliteMessages(this.db),
      sso: sqliteSso(this.db),
      contracts: sqliteContracts(this.db),
      operatorAudit: sqliteOperatorAudit(this.db),
      workspaceDeletions: sqliteWorkspaceDeletions(this.db),
      images: sqliteImages(this.db),
      maintenance: sqliteMaintenance(this.db),
    });
    // The store's repositories wait while a transaction is open (see SqliteUnitOfWork).
    ({
      workspaces: this.workspaces,
      accessLog: this.accessLog,
      leases: this.leases,
      meta: this.meta,
      rooms: this.rooms,
      accounts: this.accounts,
      messages: this.messages,
      sso: this.sso,
      contracts: this.contracts,
      operatorAudit: this.operatorAudit,
      workspaceDeletions: this.workspaceDeletions,
      images: this.images,
      maintenance: this.maintenance,
    } = this.#uow.gated);
    this.erasers = sqliteWorkspaceErasers(this.db, () => this.#uow.whenIdle());
  }

  /** Opens `<dataDir>/tsudoi.sqlite`. */
  static inDataDir(dataDir: string): SqliteStore {
    return new SqliteStore(path.join(dataDir, 'tsudoi.sqlite'));
  }

  get closed(): boolean {
    return this.#closed;
  }

  async migrate() {
    await this.#uow.whenIdle();
    return runMigrations(this.db, MIGRATIONS);
  }

  /**
   * Copies the WAL into the main file and truncates it to zero bytes: until then the WAL still holds the
   * page images written before the delete, text included. Another connection reading an old snapshot
   * blocks the truncation; rather than wait inside the event loop (busy_timeout), it retries a few times
   * with growing pauses and then reports the failure (the next purge tries again).
   */
  async flushDeletions(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (this.#closed) return; // closing checkpoints and removes the WAL anyway
      await this.#uow.whenIdle();
      if (checkpointTruncate(this.db)) return;
      if (attempt >= FLUSH_ATTEMPTS) throw new Error(`WAL checkpoint stayed busy after ${attempt} attempts`);
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }

  /** Reads one row of the migrations table (a page of the file: a broken disk or a closed store throws). */
  async ping(): Promise<void> {
    if (this.#closed) throw new Error('the store is closed');
    this.db.prepare('SELECT version FROM schema_migrations LIMIT 1').get();
  }

  /** See {@link SqliteUnitOfWork}: one `BEGIN IMMEDIATE … COMMIT` within the macrotask, serialized. */
  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T> {
    return this.#uow.transaction(fn);
  }

  async close() {
    if (this.#closed) return;
    this.#closed = true;
    await this.#uow.whenIdle();
    this.db.close();
  }
}
