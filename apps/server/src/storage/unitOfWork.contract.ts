import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  challengeRecord,
  invitationRecord,
  lockout,
  newUser,
  newWorkspace,
  T0,
} from './contracts/accountFixtures.js';
import type { Store, Workspace } from './store.js';

/**
 * The unit-of-work contract (STORE-DESIGN "Unit of work semantics") every engine passes: `transaction(fn)`
 * commits all of `fn`'s writes together or none, rethrows `fn`'s error as is, lets atomic repository methods
 * join it, loses no update when transactions race on one record, and leaves writes made outside it alone.
 * Every `fn` here reads before it writes (a document store refuses a read after a write).
 */
export function describeUnitOfWorkContract(engine: string, makeStore: () => Promise<Store>) {
  describe(`Unit of work contract: ${engine}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    const workspace = (over: Partial<Workspace> = {}): Workspace => ({
      id: randomUUID(),
      name: 'Acme',
      plan: 'free',
      timeZone: 'Asia/Tokyo',
      createdAt: T0,
      ...over,
    });

    it("commits every write of fn together and resolves with fn's value", async () => {
      const ws = workspace();
      const u = await newUser(store);
      const result = await store.transaction(async (tx) => {
        await tx.workspaces.create(ws);
        await tx.accounts.memberships.add({
          workspaceId: ws.id,
          userId: u.id,
          role: 'owner',
          status: 'active',
          joinedAt: T0,
        });
        await tx.meta.set(`made:${ws.id}`, 'yes');
        return 'done';
      });
      expect(result).toBe('done');
      expect(await store.workspaces.get(ws.id)).toEqual(ws);
      expect((await store.accounts.memberships.get(ws.id, u.id))?.role).toBe('owner');
      expect(await store.meta.get(`made:${ws.id}`)).toBe('yes');
    });

    it("writes nothing when fn throws, and rethrows fn's own error", async () => {
      const ws = workspace();
      const u = await newUser(store);
      const failure = new Error('owner membership failed');
      const attempt = store.transaction(async (tx) => {
        await tx.workspaces.create(ws);
        await tx.meta.set(`made:${ws.id}`, 'yes');
        await tx.accounts.users.update(u.id, { displayName: 'Renamed' });
        throw failure;
      });
      await expect(attempt).rejects.toBe(failure);
      expect(await store.workspaces.get(ws.id)).toBeUndefined();
      expect(await store.meta.get(`made:${ws.id}`)).toBeUndefined();
      expect((await store.accounts.users.getById(u.id))?.displayName).toBe('U');
    });

    it('an update made inside fn is undone with it (read-modify-write)', async () => {
      const ws = workspace({ name: 'Before' });
      await store.workspaces.create(ws);
      await expect(
        store.transaction(async (tx) => {
          const current = await tx.workspaces.get(ws.id);
          await tx.workspaces.update(ws.id, { name: `${current?.name} and after` });
          throw new Error('later step failed');
        }),
      ).rejects.toThrow('later step failed');
      expect((await store.workspaces.get(ws.id))?.name).toBe('Before');
    });

    it('an atomic repository method called on tx joins the transaction: undone with it, committed with it', async () => {
      const u = await newUser(store);
      const challenge = challengeRecord(u.id);
      await store.accounts.challenges.create(challenge);
      const failure = new Error('rolled back');
      await expect(
        store.transaction(async (tx) => {
          const counted = await tx.accounts.challenges.recordCodeFailure(challenge.id, 5, lockout());
          expect(counted?.attempts).toBe(1);
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect((await store.accounts.challenges.get(challenge.id))?.failedAttempts).toBe(0);
      expect((await store.accounts.users.getById(u.id))?.failedSignins).toBe(0);

      await store.transaction(async (tx) => {
        await tx.accounts.challenges.recordCodeFailure(challenge.id, 5, lockout());
      });
      expect((await store.accounts.challenges.get(challenge.id))?.failedAttempts).toBe(1);
      expect((await store.accounts.users.getById(u.id))?.failedSignins).toBe(1);
    });

    it('invitations.createOrRefresh on tx joins the transaction too', async () => {
      const ws = await newWorkspace(store);
      const inv = invitationRecord(ws);
      await expect(
        store.transaction(async (tx) => {
          await tx.accounts.invitations.createOrRefresh(inv, T0);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await store.accounts.invitations.pendingFor(ws, inv.email, T0)).toBeUndefined();
      await store.transaction((tx) => tx.accounts.invitations.createOrRefresh(inv, T0));
      expect((await store.accounts.invitations.pendingFor(ws, inv.email, T0))?.id).toBe(inv.id);
    });

    it('concurrent read-modify-write transactions on one record lose no update', async () => {
      const key = `counter:${randomUUID()}`;
      const n = 12;
      await Promise.all(
        Array.from({ length: n }, () =>
          store.transaction(async (tx) => {
            const current = Number((await tx.meta.get(key)) ?? '0');
            await tx.meta.set(key, String(current + 1));
          }),
        ),
      );
      expect(await store.meta.get(key)).toBe(String(n));
    });

    it('a write made outside the transaction meanwhile is kept when the transaction rolls back', async () => {
      const inside = `inside:${randomUUID()}`;
      const outside = `outside:${randomUUID()}`;
      let outsideWrite: Promise<void> | undefined;
      await expect(
        store.transaction(async (tx) => {
          await tx.meta.get(inside);
          // Another request writes while this transaction is open (not awaited: fn awaits only tx).
          outsideWrite ??= store.meta.set(outside, 'kept');
          await tx.meta.set(inside, 'gone');
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      await outsideWrite;
      expect(await store.meta.get(outside)).toBe('kept');
      expect(await store.meta.get(inside)).toBeUndefined();
    });
  });
}
