import type { PlacementRepos } from '../media/placement/placementRepo.js';
import { sqlitePlacement } from './sqlite/placementRepo.js';
import type { SqliteStore } from './sqlite/sqliteStore.js';
import type { Store } from './store.js';

/**
 * The node registry and room placements (R23) of an open store. Kept beside the store rather than in
 * `Repos`: they are never written inside a unit of work (a claim is atomic on its own). The Firestore code
 * is loaded only for a Firestore store.
 */
export async function placementReposOf(store: Store): Promise<PlacementRepos> {
  if (store.kind === 'sqlite') return sqlitePlacement((store as SqliteStore).db);
  const [{ firestorePlacement }, { DirectContext }] = await Promise.all([
    import('./firestore/placementRepo.js'),
    import('./firestore/context.js'),
  ]);
  const { db } = store as unknown as { db: import('firebase-admin/firestore').Firestore };
  return firestorePlacement(new DirectContext(db));
}
