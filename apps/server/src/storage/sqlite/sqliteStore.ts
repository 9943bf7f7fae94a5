import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Store } from '../store.js';
import { sqliteAccounts } from './accountRepos.js';
import { sqliteMessages } from './messageRepo.js';
import { runMigrations } from './migrate.js';
import { MIGRATIONS } from './migrations.js';
import { sqliteAccessLog, sqliteLeases, sqliteMeta, sqliteWorkspaces } from './repos.js';
import { sqliteRooms } from './roomRepo.js';

/** The embedded default store: one SQLite file under DATA_DIR, in WAL mode. */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly db: Database.Database;
  readonly workspaces;
  readonly accessLog;
  readonly leases;
  readonly meta;
  readonly rooms;
  readonly accounts;
  readonly messages;
  #closed = false;

  /** `file` may be ':memory:' for tests. */
  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.workspaces = sqliteWorkspaces(this.db);
    this.accessLog = sqliteAccessLog(this.db);
    this.leases = sqliteLeases(this.db);
    this.meta = sqliteMeta(this.db);
    this.rooms = sqliteRooms(this.db);
    this.accounts = sqliteAccounts(this.db);
    this.messages = sqliteMessages(this.db);
  }

  /** Opens `<dataDir>/tsudoi.sqlite`. */
  static inDataDir(dataDir: string): SqliteStore {
    return new SqliteStore(path.join(dataDir, 'tsudoi.sqlite'));
  }

  get closed(): boolean {
    return this.#closed;
  }

  async migrate() {
    return runMigrations(this.db, MIGRATIONS);
  }

  async close() {
    if (this.#closed) return;
    this.#closed = true;
    this.db.close();
  }
}
