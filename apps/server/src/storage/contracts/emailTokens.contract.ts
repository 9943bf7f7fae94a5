import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import { at, freshStore, newUser, T0 } from './accountFixtures.js';

/** EmailTokenRepo on every engine: a link works for its purpose only, until it expires, once. */
export function describeEmailTokensContract(engine: string, makeStore: () => Promise<Store>) {
  describe(`email tokens contract: ${engine}`, () => {
    const store = freshStore(makeStore);
    const tokens = () => store().accounts.emailTokens;
    const EXP = at(60);

    it('finds a valid token without using it, only for its purpose, never at or past its expiry', async () => {
      const u = await newUser(store());
      await tokens().create({ id: 'a', purpose: 'reset-password', userId: u.id, expiresAt: EXP });
      expect(await tokens().find('a', 'reset-password', T0)).toBe(u.id);
      expect(await tokens().find('a', 'reset-password', T0)).toBe(u.id); // finding does not use it
      expect(await tokens().find('a', 'verify-email', T0)).toBeUndefined();
      expect(await tokens().find('a', 'reset-password', EXP)).toBeUndefined();
      expect(await tokens().find('a', 'reset-password', at(61))).toBeUndefined();
      expect(await tokens().find('nope', 'reset-password', T0)).toBeUndefined();
    });

    it('uses a token once, for its purpose, before its expiry', async () => {
      const u = await newUser(store());
      await tokens().create({ id: 'v', purpose: 'verify-email', userId: u.id, expiresAt: EXP });
      await tokens().create({ id: 'late', purpose: 'verify-email', userId: u.id, expiresAt: EXP });
      expect(await tokens().consume('v', 'reset-password', T0)).toBeUndefined(); // wrong purpose: not used up
      expect(await tokens().consume('v', 'verify-email', T0)).toBe(u.id);
      expect(await tokens().consume('v', 'verify-email', T0)).toBeUndefined();
      expect(await tokens().find('v', 'verify-email', T0)).toBeUndefined();
      expect(await tokens().consume('late', 'verify-email', EXP)).toBeUndefined();
      expect(await tokens().consume('nope', 'verify-email', T0)).toBeUndefined();
    });

    it('lets exactly one of several parallel uses of a link succeed', async () => {
      const u = await newUser(store());
      const id = randomUUID();
      await tokens().create({ id, purpose: 'reset-password', userId: u.id, expiresAt: EXP });
      const used = await Promise.all(
        Array.from({ length: 5 }, () => tokens().consume(id, 'reset-password', T0)),
      );
      expect(used.filter((x) => x !== undefined)).toEqual([u.id]);
    });

    it('revokes every unused token of one user for one purpose, and nothing else', async () => {
      const [u, other] = [await newUser(store()), await newUser(store())];
      for (const id of ['r1', 'r2', 'r3']) {
        await tokens().create({ id, purpose: 'reset-password', userId: u.id, expiresAt: EXP });
      }
      await tokens().create({ id: 'v', purpose: 'verify-email', userId: u.id, expiresAt: EXP });
      await tokens().create({ id: 'o', purpose: 'reset-password', userId: other.id, expiresAt: EXP });
      expect(await tokens().consume('r1', 'reset-password', T0)).toBe(u.id);
      expect(await tokens().revokeAll(u.id, 'reset-password', T0)).toBe(2); // r1 was already used
      expect(await tokens().find('r2', 'reset-password', T0)).toBeUndefined();
      expect(await tokens().consume('r3', 'reset-password', T0)).toBeUndefined();
      expect(await tokens().find('v', 'verify-email', T0)).toBe(u.id);
      expect(await tokens().find('o', 'reset-password', T0)).toBe(other.id);
      expect(await tokens().revokeAll(u.id, 'reset-password', T0)).toBe(0);
    });
  });
}
