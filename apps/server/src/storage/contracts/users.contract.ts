import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import { at, freshStore, lockout, newUser, T0, userRecord } from './accountFixtures.js';

/**
 * UserRepo on every engine: one account per email whatever its case or however many sign-ups race for it,
 * failed sign-ins counted exactly (the R13 lockout), password history newest first.
 */
export function describeUsersContract(engine: string, makeStore: () => Promise<Store>) {
  describe(`users contract: ${engine}`, () => {
    const store = freshStore(makeStore);
    const users = () => store().accounts.users;

    it('reads back a created user by id and by email, every field as written', async () => {
      const u = await newUser(store(), {
        displayName: '山田 花子',
        locale: 'ja',
        passwordHash: null,
        passwordChangedAt: null,
        emailVerifiedAt: null,
        mfaEnabled: false,
      });
      expect(await users().getById(u.id)).toEqual(u);
      expect(await users().getByEmail(u.email)).toEqual(u);
      expect(await users().getById(randomUUID())).toBeUndefined();
      expect(await users().getByEmail('nobody@example.com')).toBeUndefined();
    });

    it('keeps one account per email whatever its case; the taken address creates nothing', async () => {
      const u = await newUser(store(), { email: 'Hana.Yamada@Example.COM' });
      expect((await users().getById(u.id))?.email).toBe('hana.yamada@example.com');
      expect((await users().getByEmail('HANA.YAMADA@example.com'))?.id).toBe(u.id);
      const other = userRecord({ email: 'hana.yamada@example.com' });
      expect(await users().create(other)).toBe(false);
      expect(await users().create({ ...other, email: 'HANA.yamada@EXAMPLE.com' })).toBe(false);
      expect(await users().getById(other.id)).toBeUndefined();
      expect((await users().getByEmail('hana.yamada@example.com'))?.id).toBe(u.id);
    });

    it('inserts many accounts in one unit of work; a taken address fails the unit and leaves none', async () => {
      const [a, b] = [userRecord({ email: 'one@example.com' }), userRecord({ email: 'Two@Example.com' })];
      await store().transaction(async (tx) => {
        await tx.accounts.users.insert(a);
        await tx.accounts.users.insert(b);
      });
      expect((await users().getByEmail('one@example.com'))?.id).toBe(a.id);
      expect((await users().getByEmail('two@example.com'))?.id).toBe(b.id);
      const [c, taken] = [
        userRecord({ email: 'three@example.com' }),
        userRecord({ email: 'ONE@example.com' }),
      ];
      await expect(
        store().transaction(async (tx) => {
          await tx.accounts.users.insert(c);
          await tx.accounts.users.insert(taken);
        }),
      ).rejects.toThrow();
      expect(await users().getByEmail('three@example.com')).toBeUndefined();
      expect(await users().getById(taken.id)).toBeUndefined();
      expect((await users().getByEmail('one@example.com'))?.id).toBe(a.id);
    });

    it('lets exactly one of several parallel sign-ups with one email create the account', async () => {
      const racers = Array.from({ length: 6 }, (_, i) =>
        userRecord({ email: i % 2 ? 'race@example.com' : 'RACE@example.com' }),
      );
      const won = await Promise.all(racers.map((u) => users().create(u)));
      expect(won.filter(Boolean)).toHaveLength(1);
      const winner = racers[won.indexOf(true)]!;
      expect((await users().getByEmail('race@example.com'))?.id).toBe(winner.id);
      for (const loser of racers.filter((u) => u !== winner)) {
        expect(await users().getById(loser.id)).toBeUndefined();
      }
    });

    it('updates only the given fields of only that user', async () => {
      const [u, other] = [await newUser(store()), await newUser(store())];
      await users().update(u.id, {
        displayName: 'Renamed',
        mfaEnabled: false,
        lockedUntil: at(30),
        failedSignins: 4,
        passwordHash: undefined, // an undefined key changes nothing
      });
      expect(await users().getById(u.id)).toEqual({
        ...u,
        displayName: 'Renamed',
        mfaEnabled: false,
        lockedUntil: at(30),
        failedSignins: 4,
      });
      await users().update(u.id, { lockedUntil: null, emailVerifiedAt: null });
      expect(await users().getById(u.id)).toMatchObject({ lockedUntil: null, emailVerifiedAt: null });
      await users().update(u.id, {});
      expect((await users().getById(u.id))?.displayName).toBe('Renamed');
      expect(await users().getById(other.id)).toEqual(other);
      await users().update(randomUUID(), { displayName: 'Ghost' }); // an unknown id: nothing happens
      expect(await users().getByEmail(u.email)).toMatchObject({ id: u.id, displayName: 'Renamed' });
    });

    it('locks at the threshold; a lock that ran out starts a new count', async () => {
      const u = await newUser(store());
      for (let i = 1; i <= 3; i++) {
        expect(await users().recordFailedSignin(u.id, lockout(T0, 3))).toEqual({
          failures: i,
          locked: i === 3,
        });
      }
      expect(await users().getById(u.id)).toMatchObject({
        failedSignins: 3,
        lockedUntil: lockout(T0, 3).lockUntil,
      });
      const later = at(60); // the 30-minute lock is over
      expect(await users().recordFailedSignin(u.id, lockout(later, 3))).toEqual({
        failures: 1,
        locked: false,
      });
      expect(await users().getById(u.id)).toMatchObject({ failedSignins: 1, lockedUntil: null });
    });

    it('counts parallel failed sign-ins exactly, and only on that account', async () => {
      const [u, other] = [await newUser(store()), await newUser(store())];
      const counts = await Promise.all(
        Array.from({ length: 6 }, () => users().recordFailedSignin(u.id, lockout(T0, 4))),
      );
      expect(counts.map((c) => c.failures).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(counts.filter((c) => c.locked)).toHaveLength(3);
      expect(await users().getById(u.id)).toMatchObject({
        failedSignins: 6,
        lockedUntil: lockout().lockUntil,
      });
      expect(await users().getById(other.id)).toMatchObject({ failedSignins: 0, lockedUntil: null });
    });

    it('counts nothing for an unknown account', async () => {
      expect(await users().recordFailedSignin(randomUUID(), lockout())).toEqual({
        failures: 0,
        locked: false,
      });
    });

    it('returns the most recent password hashes newest first, at most n, of that user only', async () => {
      const [u, other] = [await newUser(store()), await newUser(store())];
      await users().addPasswordHistory(u.id, 'h1', at(1));
      await users().addPasswordHistory(u.id, 'h3', at(3));
      await users().addPasswordHistory(u.id, 'h2', at(2));
      await users().addPasswordHistory(other.id, 'o1', at(4));
      expect(await users().recentPasswordHashes(u.id, 5)).toEqual(['h3', 'h2', 'h1']);
      expect(await users().recentPasswordHashes(u.id, 2)).toEqual(['h3', 'h2']);
      expect(await users().recentPasswordHashes(other.id, 5)).toEqual(['o1']);
      expect(await users().recentPasswordHashes(randomUUID(), 5)).toEqual([]);
    });

    it('orders password changes made at the same instant by when they were added', async () => {
      const u = await newUser(store());
      for (const h of ['a', 'b', 'c']) await users().addPasswordHistory(u.id, h, T0);
      expect(await users().recentPasswordHashes(u.id, 3)).toEqual(['c', 'b', 'a']);
    });
  });
}
