import type { CollectionReference, DocumentReference, Firestore } from 'firebase-admin/firestore';

/**
 * Where documents live. Tenant data sits under `workspaces/{wsId}/…` (one subtree per workspace, so a
 * workspace's data is found, exported and deleted by its prefix); global data (users, sessions, leases,
 * meta) at the top level. Ids become path segments only through `segment`, so an id can never walk
 * into another document's path.
 */

/** Rejects ids that are not a single, valid document-id segment (`/`, empty, `.`, `..`, `__x__`). */
export function segment(id: string): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > 700 || id.includes('/')) {
    throw new TypeError(`invalid document id: ${JSON.stringify(id)}`);
  }
  if (id === '.' || id === '..' || /^__.*__$/.test(id)) {
    throw new TypeError(`reserved document id: ${JSON.stringify(id)}`);
  }
  return id;
}

/** A free-form key (a meta key such as `retention.lastRun:Asia/Tokyo`) as a document id. */
export function keyId(key: string): string {
  const encoded = encodeURIComponent(key).replace(/\./g, '%2E').replace(/^_/, '%5F');
  return encoded.length === 0 ? '%00' : encoded;
}

export function workspaceDoc(db: Firestore, workspaceId: string): DocumentReference {
  return db.collection('workspaces').doc(segment(workspaceId));
}

/** A subcollection of one workspace, e.g. `tenantCollection(db, ws, 'rooms')`. */
export function tenantCollection(db: Firestore, workspaceId: string, name: string): CollectionReference {
  return workspaceDoc(db, workspaceId).collection(name);
}

/** A document of a workspace's subcollection. */
export function tenantDoc(db: Firestore, workspaceId: string, name: string, id: string): DocumentReference {
  return tenantCollection(db, workspaceId, name).doc(segment(id));
}

/** A top-level document, e.g. `globalDoc(db, 'leases', name)`. */
export function globalDoc(db: Firestore, collection: string, id: string): DocumentReference {
  return db.collection(collection).doc(segment(id));
}
