import { SqliteStore } from './sqlite/sqliteStore.js';
import type { Store } from './store.js';

/** Which engine holds the store, and where (from STORE, DATA_DIR, FIRESTORE_* — see config.ts). */
export type StoreConfig =
  | { kind: 'sqlite'; dataDir: string }
  | { kind: 'firestore'; projectId: string; emulatorHost?: string };

/**
 * Opens the configured store (not yet migrated: the caller runs `migrate()`). The Firestore engine is
 * loaded only when asked for, so a SQLite deployment never loads firebase-admin.
 */
export async function createStore(config: StoreConfig): Promise<Store> {
  if (config.kind === 'sqlite') return SqliteStore.inDataDir(config.dataDir);
  const { openFirestoreStore } = await import('./firestore/firestoreStore.js');
  return openFirestoreStore({
    projectId: config.projectId,
    ...(config.emulatorHost ? { emulatorHost: config.emulatorHost } : {}),
  });
}
