import type { CollectionReference, Firestore, Query } from 'firebase-admin/firestore';
import type { ContractRepo, WorkspaceEraser } from '../store.js';
import { tenantCollection, workspaceDoc } from './paths.js';

/** Counts a collection's documents, then deletes them with everything beneath (subcollections). */
async function eraseCollection(db: Firestore, col: CollectionReference): Promise<number> {
  const n = (await col.count().get()).data().count;
  if (n > 0) await db.recursiveDelete(col);
  return n;
}

/** Deletes the documents a query finds (top-level collections holding a `workspaceId` field). */
async function eraseQuery(db: Firestore, q: Query): Promise<number> {
  let total = 0;
  for (;;) {
    const snap = await q.limit(500).get();
    if (snap.empty) return total;
    const batch = db.batch();
    for (const d of snap.docs) batch.delete(d.ref);
    await batch.commit();
    total += snap.size;
  }
}

/**
 * The Firestore engine's erasers of one workspace (workspaces/deletion): each domain's subcollections
 * under `workspaces/{ws}` (messages counted per conversation) and its top-level documents that carry the
 * workspace's id; the `workspace` eraser last deletes the workspace document and anything still under it
 * (counted as `leftovers`). Never `contractLog` (kept 8 years, R17). Bulk work, not transactional:
 * each eraser is idempotent, so a crashed erasure is simply run again.
 */
export function firestoreWorkspaceErasers(db: Firestore, contracts: ContractRepo): WorkspaceEraser[] {
  const sub = (ws: string, name: string) => tenantCollection(db, ws, name);
  const subs = (domain: string, names: readonly string[]): WorkspaceEraser => ({
    domain,
    async eraseWorkspace(ws) {
      const out: Record<string, number> = {};
      for (const name of names) out[name] = await eraseCollection(db, sub(ws, name));
      return out;
    },
  });
  return [
    {
      domain: 'messages',
      async eraseWorkspace(ws) {
        let messages = 0;
        for (const c of await sub(ws, 'conversations').listDocuments())
          messages += (await c.collection('messages').count().get()).data().count;
        const conversations = await eraseCollection(db, sub(ws, 'conversations'));
        const threadMembers = await eraseCollection(db, sub(ws, 'threadMembers'));
        const directThreads = await eraseCollection(db, sub(ws, 'directThreads'));
        // The purge's outbox of files to remove: the files go with blobs/<ws>, the entries with the workspace.
        const blobDeletions = await eraseQuery(
          db,
          db.collection('blobDeletions').where('workspaceId', '==', ws),
        );
        return { messages, conversations, threadMembers, directThreads, blobDeletions };
      },
    },
    subs('rooms', ['rooms']),
    subs('accounts', ['invitations', 'invitationEmails', 'memberships']),
    {
      domain: 'sso',
      async eraseWorkspace(ws) {
        return {
          ssoDomains: await eraseQuery(db, db.collection('ssoDomains').where('workspaceId', '==', ws)),
          ssoRequests: await eraseQuery(db, db.collection('ssoRequests').where('workspaceId', '==', ws)),
        };
      },
    },
    subs('accessLog', ['accessLog', 'accessLogChain']),
    subs('images', ['images']), // records only; the files go with blobs/<ws> (fileTreeEraser)
    { domain: 'contracts', eraseWorkspace: (ws) => contracts.eraseWorkspace(ws) },
    {
      domain: 'workspace',
      async eraseWorkspace(ws) {
        const ref = workspaceDoc(db, ws);
        let leftovers = 0;
        for (const col of await ref.listCollections()) leftovers += await eraseCollection(db, col);
        const existed = (await ref.get()).exists;
        await ref.delete();
        return { workspaces: existed ? 1 : 0, leftovers };
      },
    },
  ];
}
