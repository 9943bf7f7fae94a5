import type { BackupEngine } from '../backup/backupRunner.js';
import { SqliteStore } from './sqlite/sqliteStore.js';
import type { Store } from './store.js';

/**
 * What the backup (R20) copies: the SQLite connection (online backup API) and `DATA_DIR/blobs`; on
 * Firestore nothing (the engine's managed export does it, docs/STORAGE.md "Backups").
 */
export function backupEngineOf(store: Store, dataDir: string): BackupEngine {
  return store instanceof SqliteStore ? { kind: 'sqlite', db: store.db, dataDir } : { kind: 'firestore' };
}
