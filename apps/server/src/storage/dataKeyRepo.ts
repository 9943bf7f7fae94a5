import type { DataKeyRepo } from '../crypto/dataKeyRepo.js';
import { sqliteDataKeys } from './sqlite/dataKeyRepo.js';
import type { SqliteStore } from './sqlite/sqliteStore.js';
import type { Store } from './store.js';

/**
 * The data-key repository (R19) of an open store. Kept beside the store rather than in `Repos`: data keys
 * are never written inside a unit of work. The Firestore code is loaded only for a Firestore store.
 */
export async function dataKeyRepoOf(store: Store): Promise<DataKeyRepo> {
  if (store.kind === 'sqlite') return sqliteDataKeys((store as SqliteStore).db);
  const [{ firestoreDataKeys }, { DirectContext }] = await Promise.all([
    import('./firestore/dataKeyRepo.js'),
    import('./firestore/context.js'),
  ]);
  const { db } = store as unknown as { db: import('firebase-admin/firestore').Firestore };
  return firestoreDataKeys(new DirectContext(db));
}
