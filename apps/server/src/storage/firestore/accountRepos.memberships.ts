import type { DocumentData } from 'firebase-admin/firestore';
import type { Membership, MembershipRepo } from '../store.js';
import { definedPatch, updateIfExists } from './accountRepos.shared.js';
import type { FsContext } from './context.js';
import { globalDoc, segment, tenantCollection, tenantDoc } from './paths.js';

/**
 * `workspaces/{ws}/memberships/{userId}`: tenant data, so a workspace reads only its own. A user's
 * memberships over all workspaces come from a collection-group query on `userId` (its single-field index
 * with collection-group scope is declared in `firestore.indexes.json`).
 *
 * Member lists carry each person's email and name without a join: the users are read with `getAll` in
 * chunks of 30, not copied onto the membership. A copy would have to be kept in step by `users.update`
 * (a query, so a read) and filled by `memberships.add` (a read of the user): reads that Firestore refuses
 * after a write in one transaction, and `add` follows writes in the transactions that use it (a new
 * workspace with its owner, an accepted invitation). Reading the users costs one extra document read per
 * member per list, in parallel chunks, and the list can never show a stale name.
 */
const toDoc = (m: Membership): DocumentData => ({
  workspaceId: m.workspaceId,
  userId: m.userId,
  role: m.role,
  status: m.status,
  joinedAt: m.joinedAt,
});

const toMembership = (d: DocumentData): Membership => ({
  workspaceId: d.workspaceId,
  userId: d.userId,
  role: d.role,
  status: d.status,
  joinedAt: d.joinedAt,
});

const byName = (a: { displayName: string; userId: string }, b: { displayName: string; userId: string }) =>
  a.displayName < b.displayName
    ? -1
    : a.displayName > b.displayName
      ? 1
      : a.userId < b.userId
        ? -1
        : a.userId > b.userId
          ? 1
          : 0;

/** Memberships with their person's email and name, read with `getAll` (chunks of 30); orphans are left out. */
async function withProfiles(ctx: FsContext, members: Membership[]) {
  const users = await ctx.getAll(members.map((m) => globalDoc(ctx.db, 'users', m.userId)));
  const out: Array<Membership & { email: string; displayName: string }> = [];
  members.forEach((m, i) => {
    const u = users[i]?.data();
    if (u) out.push({ ...m, email: u.email, displayName: u.displayName });
  });
  return out;
}

const isDocumentId = (id: string) => {
  try {
    segment(id);
    return true;
  } catch {
    return false;
  }
};

export function firestoreMemberships(ctx: FsContext): MembershipRepo {
  const ref = (ws: string, userId: string) => tenantDoc(ctx.db, ws, 'memberships', userId);
  return {
    async add(m) {
      await ctx.create(ref(m.workspaceId, m.userId), toDoc(m));
    },
    async get(workspaceId, userId) {
      const snap = await ctx.get(ref(workspaceId, userId));
      return snap.exists ? toMembership(snap.data()!) : undefined;
    },
    async listByUser(userId) {
      const snap = await ctx.get(ctx.db.collectionGroup('memberships').where('userId', '==', userId));
      return snap.docs.map((d) => toMembership(d.data()));
    },
    async listByWorkspace(workspaceId) {
      const members = (await ctx.get(tenantCollection(ctx.db, workspaceId, 'memberships'))).docs.map((d) =>
        toMembership(d.data()),
      );
      return (await withProfiles(ctx, members)).sort(byName);
    },
    async getMany(workspaceId, userIds) {
      // An id that cannot name a document cannot name a member either.
      const ids = [...new Set(userIds)].filter(isDocumentId);
      const found = (await ctx.getAll(ids.map((id) => ref(workspaceId, id))))
        .filter((snap) => snap.exists)
        .map((snap) => toMembership(snap.data()!));
      return withProfiles(ctx, found);
    },
    async update(workspaceId, userId, patch) {
      await updateIfExists(
        ctx,
        ref(workspaceId, userId),
        definedPatch({ role: patch.role, status: patch.status }),
      );
    },
    async remove(workspaceId, userId) {
      await ctx.delete(ref(workspaceId, userId));
    },
    countActive(workspaceId) {
      return ctx.count(tenantCollection(ctx.db, workspaceId, 'memberships').where('status', '==', 'active'));
    },
  };
}
