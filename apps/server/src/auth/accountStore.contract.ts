import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../storage/store.js';
import type { Lockout, User } from './accountStore.js';

/**
 * What every engine's account repositories must guarantee for sign-in security: counting is atomic
 * (parallel calls never lose a count), a challenge ends at its limit, links are single use. The SQLite
 * engine runs it in `storage/sqlite/accountRepos.test.ts`; a document store must pass it too.
 */
export function describeAccountStoreContract(engine: string, makeStore: () => Promise<Store>) {
  describe(`Account store contract: ${engine}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    const T0 = '2026-12-01T10:00:00.000Z';
    const lockout = (now = T0, threshold = 5): Lockout => ({
      threshold,
      lockUntil: new Date(Date.parse(now) + 30 * 60_000).toISOString(),
      now,
    });
    async function user(): Promise<User> {
      const u: User = {
        id: randomUUID(),
        email: `${randomUUID()}@example.com`,
        displayName: 'U',
        locale: 'en',
        passwordHash: 'x',
        passwordChangedAt: T0,
        emailVerifiedAt: T0,
        mfaEnabled: true,
        failedSignins: 0,
        lockedUntil: null,
        createdAt: T0,
      };
      expect(await store.accounts.users.create(u)).toBe(true);
      return u;
    }
    async function challenge(userId: string): Promise<string> {
      const id = randomUUID();
      await store.accounts.challenges.create({
        id,
        userId,
        codeHash: 'h',
        createdAt: T0,
        expiresAt: '2026-12-01T10:10:00.000Z',
        failedAttempts: 0,
        sends: 1,
        lastSentAt: T0,
        consumedAt: null,
      });
      return id;
    }

    it('counts parallel wrong codes exactly, up to the challenge limit, on the challenge and the account', async () => {
      const u = await user();
      const id = await challenge(u.id);
      const results = await Promise.all(
        Array.from({ length: 7 }, () => store.accounts.challenges.recordCodeFailure(id, 5, lockout())),
      );
      const counted = results.filter((r) => r !== undefined);
      expect(counted.map((r) => r.attempts).sort()).toEqual([1, 2, 3, 4, 5]);
      expect(counted.map((r) => r.account.failures).sort()).toEqual([1, 2, 3, 4, 5]);
      expect((await store.accounts.challenges.get(id))?.failedAttempts).toBe(5);
      const after = await store.accounts.users.getById(u.id);
      expect(after).toMatchObject({ failedSignins: 5, lockedUntil: lockout().lockUntil });
      // A challenge at its limit can no longer be consumed, even with the right code.
      expect(await store.accounts.challenges.consume(id, T0, 5)).toBe(false);
    });

    it('consumes a challenge once; a consumed one counts no more failures', async () => {
      const u = await user();
      const id = await challenge(u.id);
      const wins = await Promise.all([1, 2, 3].map(() => store.accounts.challenges.consume(id, T0, 5)));
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect(await store.accounts.challenges.recordCodeFailure(id, 5, lockout())).toBeUndefined();
      expect((await store.accounts.users.getById(u.id))?.failedSignins).toBe(0);
    });

    it('ends every open sign-in attempt of one user, and only theirs', async () => {
      const [u, other] = [await user(), await user()];
      const [a, b, c] = [await challenge(u.id), await challenge(u.id), await challenge(other.id)];
      expect(await store.accounts.challenges.consume(a, T0, 5)).toBe(true);
      expect(await store.accounts.challenges.endAllForUser(u.id, T0)).toBe(1);
      expect(await store.accounts.challenges.consume(b, T0, 5)).toBe(false);
      expect(await store.accounts.challenges.consume(c, T0, 5)).toBe(true);
    });

    it('locks at the threshold; a lock that ran out starts a new count', async () => {
      const u = await user();
      for (let i = 1; i <= 3; i++) {
        expect(await store.accounts.users.recordFailedSignin(u.id, lockout(T0, 3))).toEqual({
          failures: i,
          locked: i === 3,
        });
      }
      const later = '2026-12-01T11:00:00.000Z'; // the 30-minute lock is over
      expect(await store.accounts.users.recordFailedSignin(u.id, lockout(later, 3))).toEqual({
        failures: 1,
        locked: false,
      });
      expect((await store.accounts.users.getById(u.id))?.lockedUntil).toBeNull();
    });

    it('reset links: found without being used, used once, all revoked together, never past expiry', async () => {
      const u = await user();
      const tokens = store.accounts.emailTokens;
      const exp = '2026-12-01T11:00:00.000Z';
      await tokens.create({ id: 'a', purpose: 'reset-password', userId: u.id, expiresAt: exp });
      await tokens.create({ id: 'b', purpose: 'reset-password', userId: u.id, expiresAt: exp });
      await tokens.create({ id: 'v', purpose: 'verify-email', userId: u.id, expiresAt: exp });
      expect(await tokens.find('a', 'reset-password', T0)).toBe(u.id);
      expect(await tokens.find('a', 'verify-email', T0)).toBeUndefined(); // bound to its purpose
      expect(await tokens.find('a', 'reset-password', exp)).toBeUndefined(); // expired at its time
      expect(await tokens.consume('a', 'reset-password', T0)).toBe(u.id);
      expect(await tokens.consume('a', 'reset-password', T0)).toBeUndefined();
      expect(await tokens.revokeAll(u.id, 'reset-password', T0)).toBe(1);
      expect(await tokens.find('b', 'reset-password', T0)).toBeUndefined();
      expect(await tokens.find('v', 'verify-email', T0)).toBe(u.id); // other purposes untouched
    });

    it('invitations: one pending per address and workspace; inviting again refreshes it in place', async () => {
      const ws = randomUUID();
      await store.workspaces.create({ id: ws, name: 'W', plan: 'free', timeZone: 'UTC', createdAt: T0 });
      const invs = store.accounts.invitations;
      const inv = (tokenHash: string, expiresAt: string, role: 'admin' | 'member' = 'member') => ({
        id: randomUUID(),
        workspaceId: ws,
        tokenHash,
        email: 'x@example.com',
        role,
        invitedBy: 'admin-1',
        createdAt: T0,
        expiresAt,
        acceptedAt: null,
        revokedAt: null,
      });
      const first = await invs.createOrRefresh(inv('t1', '2026-12-08T10:00:00.000Z'), T0);
      const again = await invs.createOrRefresh(inv('t2', '2026-12-09T10:00:00.000Z', 'admin'), T0);
      expect(again).toMatchObject({ id: first.id, tokenHash: 't2', role: 'admin', createdAt: T0 });
      expect(await invs.getByTokenHash('t1')).toBeUndefined(); // the old link is gone
      expect((await invs.listByWorkspace(ws)).length).toBe(1);
      expect((await invs.pendingFor(ws, 'x@example.com', T0))?.id).toBe(first.id);
      // Past its expiry, or revoked, it is not pending: a new one is made.
      expect(await invs.pendingFor(ws, 'x@example.com', '2026-12-09T10:00:00.000Z')).toBeUndefined();
      expect(await invs.revoke(ws, first.id, T0)).toBe(true);
      const fresh = await invs.createOrRefresh(inv('t3', '2026-12-08T10:00:00.000Z'), T0);
      expect(fresh.id).not.toBe(first.id);
      expect((await invs.listByWorkspace(ws)).length).toBe(2);
    });
  });
}
