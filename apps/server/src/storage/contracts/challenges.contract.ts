import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import { at, challengeRecord, freshStore, lockout, newChallenge, newUser, T0 } from './accountFixtures.js';

/**
 * ChallengeRepo on every engine: counting wrong codes is atomic (parallel calls never lose a count, the
 * challenge and the account count together), a challenge ends at its limit, it is consumed once.
 */
export function describeChallengesContract(engine: string, makeStore: () => Promise<Store>) {
  describe(`challenges contract: ${engine}`, () => {
    const store = freshStore(makeStore);
    const challenges = () => store().accounts.challenges;

    it('reads back a challenge as created; an unknown id reads nothing', async () => {
      const u = await newUser(store());
      const c = challengeRecord(u.id, { sends: 2, failedAttempts: 1, lastSentAt: at(1) });
      await challenges().create(c);
      expect(await challenges().get(c.id)).toEqual(c);
      expect(await challenges().get(randomUUID())).toBeUndefined();
    });

    it('keeps the session method a code completes (an IdP sign-in that also needs the code)', async () => {
      const u = await newUser(store());
      const c = challengeRecord(u.id, { via: `saml:${randomUUID()}` });
      await challenges().create(c);
      expect(await challenges().get(c.id)).toEqual(c);
      await challenges().update(c.id, { sends: 2 });
      expect((await challenges().get(c.id))?.via).toBe(c.via);
    });

    it('updates only the given fields of only that challenge (a resent code)', async () => {
      const u = await newUser(store());
      const [c, other] = [challengeRecord(u.id), challengeRecord(u.id)];
      await challenges().create(c);
      await challenges().create(other);
      await challenges().update(c.id, { codeHash: 'h2', sends: 2, lastSentAt: at(1), expiresAt: at(11) });
      expect(await challenges().get(c.id)).toEqual({
        ...c,
        codeHash: 'h2',
        sends: 2,
        lastSentAt: at(1),
        expiresAt: at(11),
      });
      await challenges().update(c.id, { consumedAt: at(2) });
      expect((await challenges().get(c.id))?.consumedAt).toBe(at(2));
      expect(await challenges().get(other.id)).toEqual(other);
      const gone = randomUUID();
      await challenges().update(gone, { sends: 2 }); // an unknown id: nothing happens, nothing is made
      expect(await challenges().get(gone)).toBeUndefined();
    });

    it('counts parallel wrong codes exactly, up to the challenge limit, on the challenge and the account', async () => {
      const u = await newUser(store());
      const id = await newChallenge(store(), u.id);
      const results = await Promise.all(
        Array.from({ length: 7 }, () => challenges().recordCodeFailure(id, 5, lockout())),
      );
      const counted = results.filter((r) => r !== undefined);
      expect(counted.map((r) => r.attempts).sort()).toEqual([1, 2, 3, 4, 5]);
      expect(counted.map((r) => r.account.failures).sort()).toEqual([1, 2, 3, 4, 5]);
      expect(counted.filter((r) => r.account.locked)).toHaveLength(1);
      expect((await challenges().get(id))?.failedAttempts).toBe(5);
      expect(await store().accounts.users.getById(u.id)).toMatchObject({
        failedSignins: 5,
        lockedUntil: lockout().lockUntil,
      });
      // A challenge at its limit can no longer be consumed, even with the right code.
      expect(await challenges().consume(id, T0, 5)).toBe(false);
    });

    it('counts nothing for an unknown challenge', async () => {
      expect(await challenges().recordCodeFailure(randomUUID(), 5, lockout())).toBeUndefined();
    });

    it('consumes a challenge once; a consumed one counts no more failures', async () => {
      const u = await newUser(store());
      const id = await newChallenge(store(), u.id);
      const wins = await Promise.all([1, 2, 3].map(() => challenges().consume(id, at(1), 5)));
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect((await challenges().get(id))?.consumedAt).toBe(at(1));
      expect(await challenges().recordCodeFailure(id, 5, lockout())).toBeUndefined();
      expect((await store().accounts.users.getById(u.id))?.failedSignins).toBe(0);
      expect(await challenges().consume(randomUUID(), T0, 5)).toBe(false);
    });

    it('ends every open sign-in attempt of one user, and only theirs', async () => {
      const [u, other] = [await newUser(store()), await newUser(store())];
      const [a, b, c] = [
        await newChallenge(store(), u.id),
        await newChallenge(store(), u.id),
        await newChallenge(store(), u.id),
      ];
      const theirs = await newChallenge(store(), other.id);
      expect(await challenges().consume(a, T0, 5)).toBe(true);
      expect(await challenges().endAllForUser(u.id, at(3))).toBe(2);
      expect((await challenges().get(a))?.consumedAt).toBe(T0); // already over: keeps its time
      expect((await challenges().get(b))?.consumedAt).toBe(at(3));
      expect(await challenges().consume(c, at(4), 5)).toBe(false);
      expect(await challenges().recordCodeFailure(b, 5, lockout())).toBeUndefined();
      expect(await challenges().consume(theirs, at(4), 5)).toBe(true);
      expect(await challenges().endAllForUser(u.id, at(5))).toBe(0);
    });
  });
}
