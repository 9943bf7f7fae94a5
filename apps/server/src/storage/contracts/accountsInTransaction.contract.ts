import { describe, expect, it } from 'vitest';
import type { Invitation, Repos, Store } from '../store.js';
import {
  at,
  freshStore,
  invitationRecord,
  lockout,
  newChallenge,
  newUser,
  newWorkspace,
  userRecord,
} from './accountFixtures.js';

/**
 * Account repositories called on `store.transaction`'s `tx`: their writes commit with the rest of the
 * transaction or not at all, and the methods that are atomic on their own join it. Each `fn` reads before
 * it writes (Firestore refuses a read after a write in one transaction).
 */
/** Marks the invitation accepted and adds its member, in the caller's transaction; false when already used. */
async function markAndJoin(tx: Repos, inv: Invitation, userId: string): Promise<boolean> {
  if (!(await tx.accounts.invitations.markAccepted(inv.id, at(1)))) return false;
  await tx.accounts.memberships.add({
    workspaceId: inv.workspaceId,
    userId,
    role: inv.role,
    status: 'active',
    joinedAt: at(1),
  });
  return true;
}

export function describeAccountsInTransactionContract(engine: string, makeStore: () => Promise<Store>) {
  describe(`accounts in a transaction: ${engine}`, () => {
    const store = freshStore(makeStore);
    const boom = new Error('boom');

    it('accepting an invitation and adding the member commit together, or neither does', async () => {
      const ws = await newWorkspace(store());
      const u = await newUser(store());
      const inv = invitationRecord(ws, { email: u.email });
      await store().accounts.invitations.create(inv);
      const accept = (fail: boolean) =>
        store().transaction(async (tx) => {
          if (!(await markAndJoin(tx, inv, u.id))) return false;
          if (fail) throw boom;
          return true;
        });
      await expect(accept(true)).rejects.toBe(boom);
      expect(await store().accounts.memberships.get(ws, u.id)).toBeUndefined();
      expect((await store().accounts.invitations.getByTokenHash(inv.tokenHash))?.acceptedAt).toBeNull();
      expect(await accept(false)).toBe(true);
      expect((await store().accounts.memberships.get(ws, u.id))?.role).toBe('member');
      expect((await store().accounts.invitations.getByTokenHash(inv.tokenHash))?.acceptedAt).toBe(at(1));
      expect(await accept(false)).toBe(false); // once
    });

    it('sixteen people accepting their invitations to one workspace at once all get in (the 9:00 rush)', async () => {
      const ws = await newWorkspace(store());
      const people = await Promise.all(Array.from({ length: 16 }, () => newUser(store())));
      const invitations = people.map((u) => invitationRecord(ws, { email: u.email }));
      for (const inv of invitations) await store().accounts.invitations.create(inv);
      // Meanwhile the admin goes on inviting others (each a transaction of its own, writing an invitation).
      const more = Array.from({ length: 16 }, (_, i) =>
        invitationRecord(ws, { email: `later${i}@example.com` }),
      );
      const inviting = Promise.all(
        more.map((inv) => store().transaction((tx) => tx.accounts.invitations.createOrRefresh(inv, at(1)))),
      );
      // What WorkspaceService.acceptInvitation does in its unit of work: find by link, mark, add the member.
      const accepted = await Promise.all(
        people.map((u, i) =>
          store().transaction(async (tx) => {
            const inv = await tx.accounts.invitations.getByTokenHash(invitations[i]!.tokenHash);
            if (!inv || inv.acceptedAt !== null) return false;
            await tx.workspaces.get(ws);
            await tx.accounts.memberships.get(ws, u.id);
            return markAndJoin(tx, inv, u.id);
          }),
        ),
      );
      expect(accepted.every(Boolean)).toBe(true);
      expect(await store().accounts.memberships.countActive(ws)).toBe(16);
      expect(await inviting).toHaveLength(16);
    });

    it('a wrong code counted inside a transaction that fails is not counted', async () => {
      const u = await newUser(store());
      const id = await newChallenge(store(), u.id);
      await expect(
        store().transaction(async (tx) => {
          expect(await tx.accounts.challenges.recordCodeFailure(id, 5, lockout())).toMatchObject({
            attempts: 1,
          });
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect((await store().accounts.challenges.get(id))?.failedAttempts).toBe(0);
      expect((await store().accounts.users.getById(u.id))?.failedSignins).toBe(0);
      const counted = await store().transaction((tx) =>
        tx.accounts.challenges.recordCodeFailure(id, 5, lockout()),
      );
      expect(counted).toEqual({ attempts: 1, account: { failures: 1, locked: false } });
    });

    it('a sign-up inside a transaction that fails leaves the address free; a taken one is refused inside one', async () => {
      const first = userRecord({ email: 'tx@example.com' });
      await expect(
        store().transaction(async (tx) => {
          expect(await tx.accounts.users.create(first)).toBe(true);
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await store().accounts.users.getByEmail('tx@example.com')).toBeUndefined();
      expect(await store().transaction((tx) => tx.accounts.users.create(first))).toBe(true);
      const second = userRecord({ email: 'TX@example.com' });
      expect(await store().transaction((tx) => tx.accounts.users.create(second))).toBe(false);
      expect((await store().accounts.users.getByEmail('tx@example.com'))?.id).toBe(first.id);
    });
  });
}
