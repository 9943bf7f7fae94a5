import type { DocumentData } from 'firebase-admin/firestore';
import type { Invitation, InvitationRepo } from '../store.js';
import { type FsContext, firstOf } from './context.js';
import { keyId, tenantCollection, tenantDoc } from './paths.js';

/**
 * `workspaces/{ws}/invitations/{id}`: tenant data, revoked through its own workspace only. Links are found
 * by `tokenHash` and acceptance by `id` through collection-group queries (single-field indexes with
 * collection-group scope, declared in `firestore.indexes.json`).
 *
 * One pending invitation per address and workspace: `createOrRefresh` reads (and so locks) the address's
 * lock document `workspaces/{ws}/invitationEmails/{email}` and writes it on every create or refresh, so two
 * parallel invitations to one address conflict and Firestore retries one of them, which then finds the
 * other's invitation pending and refreshes it. `createAllNew` (an import) reads and writes the same locks.
 */
const toDoc = (inv: Invitation): DocumentData => ({
  id: inv.id,
  workspaceId: inv.workspaceId,
  tokenHash: inv.tokenHash,
  email: inv.email.toLowerCase(),
  role: inv.role,
  invitedBy: inv.invitedBy,
  createdAt: inv.createdAt,
  expiresAt: inv.expiresAt,
  acceptedAt: inv.acceptedAt,
  revokedAt: inv.revokedAt,
});

const toInvitation = (d: DocumentData): Invitation => ({
  id: d.id,
  workspaceId: d.workspaceId,
  tokenHash: d.tokenHash,
  email: d.email,
  role: d.role,
  invitedBy: d.invitedBy,
  createdAt: d.createdAt,
  expiresAt: d.expiresAt,
  acceptedAt: d.acceptedAt ?? null,
  revokedAt: d.revokedAt ?? null,
});

const isPending = (inv: Invitation, at: string) =>
  inv.acceptedAt === null && inv.revokedAt === null && inv.expiresAt > at;

/** Neither accepted nor revoked. */
const isOpen = (d: DocumentData | undefined): d is DocumentData =>
  d !== undefined && (d.acceptedAt ?? null) === null && (d.revokedAt ?? null) === null;

export function firestoreInvitations(ctx: FsContext): InvitationRepo {
  const col = (ws: string) => tenantCollection(ctx.db, ws, 'invitations');
  const ref = (ws: string, id: string) => tenantDoc(ctx.db, ws, 'invitations', id);
  const lockRef = (ws: string, email: string) => tenantDoc(ctx.db, ws, 'invitationEmails', keyId(email));

  /** The newest pending invitation to `email` in `ws`; filtered here, so no composite index is needed. */
  async function pending(c: FsContext, ws: string, email: string, at: string) {
    const snap = await c.get(col(ws).where('email', '==', email.toLowerCase()));
    return snap.docs
      .map((d) => toInvitation(d.data()))
      .filter((inv) => isPending(inv, at))
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))[0];
  }

  /** The invitation (in whichever workspace holds it) whose never-changing `field` is `value`. */
  const findBy = (c: FsContext, field: 'id' | 'tokenHash', value: string) =>
    firstOf(c, c.db.collectionGroup('invitations').where(field, '==', value));

  return {
    async create(inv) {
      await ctx.create(ref(inv.workspaceId, inv.id), toDoc(inv));
    },
    pendingFor(workspaceId, email, at) {
      return pending(ctx, workspaceId, email, at);
    },
    createOrRefresh(inv, at) {
      return ctx.atomic(async (c) => {
        const email = inv.email.toLowerCase();
        const lock = lockRef(inv.workspaceId, email);
        await c.get(lock); // read first: takes the address's lock for this transaction
        const found = await pending(c, inv.workspaceId, email, at);
        const result: Invitation = found
          ? {
              ...found,
              tokenHash: inv.tokenHash,
              role: inv.role,
              invitedBy: inv.invitedBy,
              expiresAt: inv.expiresAt,
            }
          : { ...inv, email };
        await c.set(lock, { invitationId: result.id, at });
        if (found) {
          await c.update(ref(found.workspaceId, found.id), {
            tokenHash: result.tokenHash,
            role: result.role,
            invitedBy: result.invitedBy,
            expiresAt: result.expiresAt,
          });
        } else {
          await c.create(ref(inv.workspaceId, inv.id), toDoc(result));
        }
        return result;
      });
    },
    createAllNew(invs, at) {
      return ctx.atomic(async (c) => {
        // Reads first: every address's lock (so a racing createOrRefresh conflicts with this unit), then
        // the invitations the locks name, to see whether one is still pending.
        const locks = await c.getAll(invs.map((inv) => lockRef(inv.workspaceId, inv.email.toLowerCase())));
        const named = locks.map((l, i) =>
          l.exists ? ref(invs[i]!.workspaceId, l.data()?.invitationId as string) : undefined,
        );
        const current = await c.getAll(named.filter((r) => r !== undefined));
        const pendingIds = new Set(
          current.filter((d) => d.exists && isPending(toInvitation(d.data()!), at)).map((d) => d.id),
        );
        const clash = invs.find((_, i) => named[i] && pendingIds.has(named[i]!.id));
        if (clash) return { pending: clash.email.toLowerCase() };
        for (const inv of invs) {
          const email = inv.email.toLowerCase();
          await c.set(lockRef(inv.workspaceId, email), { invitationId: inv.id, at });
          await c.create(ref(inv.workspaceId, inv.id), toDoc(inv));
        }
        return null;
      });
    },
    async getByTokenHash(tokenHash) {
      const doc = await findBy(ctx, 'tokenHash', tokenHash);
      return doc ? toInvitation(doc.data()!) : undefined;
    },
    async listByWorkspace(workspaceId) {
      const snap = await ctx.get(col(workspaceId).orderBy('createdAt', 'desc'));
      return snap.docs.map((d) => toInvitation(d.data()));
    },
    markAccepted(id, at) {
      return ctx.atomic(async (c) => {
        const doc = await findBy(c, 'id', id);
        if (!doc || !isOpen(doc.data())) return false;
        await c.update(doc.ref, { acceptedAt: at });
        return true;
      });
    },
    revoke(workspaceId, id, at) {
      return ctx.atomic(async (c) => {
        const r = ref(workspaceId, id);
        if (!isOpen((await c.get(r)).data())) return false;
        await c.update(r, { revokedAt: at });
        return true;
      });
    },
  };
}
