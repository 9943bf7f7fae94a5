import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimDomains } from '../../sso/domainClaim.js';
import type { Store } from '../store.js';

/** What the SSO suite needs: a store, and a second instance over the same data (another server process). */
export interface SsoHarness {
  store: Store;
  second(): Promise<Store>;
  /**
   * Where a second unit of work runs while this store's is open: another instance on Firestore; on SQLite
   * the same store (one process serves a SQLite file; its units of work queue).
   */
  racer(): Promise<Store>;
  close(): Promise<void>;
}

const T0 = Date.parse('2026-06-01T00:00:00.000Z');

/** SSO state (R11) on every engine: a domain belongs to one workspace; requests and assertions count once. */
export function describeSsoContract(engine: string, make: () => Promise<SsoHarness>) {
  describe(`SSO store contract: ${engine}`, () => {
    let h: SsoHarness;
    const others: Store[] = [];
    beforeEach(async () => {
      h = await make();
    });
    afterEach(async () => {
      for (const s of others.splice(0)) await s.close();
      await h.close();
    });

    it('routes a domain to the one workspace that claimed it; another workspace cannot take it', async () => {
      const [a, b] = [randomUUID(), randomUUID()];
      const sso = h.store.sso;
      expect(await claimDomains(h.store, a, ['example.co.jp', 'example.com'])).toBeNull();
      expect(await sso.workspaceForDomain('example.co.jp')).toBe(a);
      expect(await sso.domainsOf(a)).toEqual(['example.co.jp', 'example.com']);
      // b asks for a free domain and a taken one: refused as a whole, nothing of b's claim lands.
      expect(await claimDomains(h.store, b, ['free.example', 'example.com'])).toEqual({
        taken: 'example.com',
      });
      expect(await sso.workspaceForDomain('free.example')).toBeUndefined();
      expect(await sso.domainsOf(b)).toEqual([]);
      // a drops one; b may then claim it.
      expect(await claimDomains(h.store, a, ['example.co.jp'])).toBeNull();
      expect(await sso.workspaceForDomain('example.com')).toBeUndefined();
      expect(await claimDomains(h.store, b, ['example.com', 'example.com'])).toBeNull();
      expect(await sso.workspaceForDomain('example.com')).toBe(b);
      expect(await sso.domainsOf(a)).toEqual(['example.co.jp']);
      expect(await claimDomains(h.store, a, [])).toBeNull();
      expect(await sso.domainsOf(a)).toEqual([]);
      expect(await sso.workspaceForDomain('unknown.example')).toBeUndefined();
    });

    it('gives a domain raced for by two workspaces to exactly one of them', async () => {
      const second = await h.racer();
      if (second !== h.store) others.push(second);
      const [a, b] = [randomUUID(), randomUUID()];
      const results = await Promise.all([
        claimDomains(h.store, a, ['race.example']),
        claimDomains(second, b, ['race.example']),
      ]);
      expect(results.filter((r) => r === null)).toHaveLength(1);
      expect(results.filter((r) => r?.taken === 'race.example')).toHaveLength(1);
      const owner = await h.store.sso.workspaceForDomain('race.example');
      expect(owner).toBe(results[0] === null ? a : b);
    });

    it('lets a request be taken once, also from another instance, and reports what it was', async () => {
      const second = await h.second();
      others.push(second);
      const ws = randomUUID();
      await h.store.sso.rememberRequest({ id: '_req1', workspaceId: ws, browserHash: 'b1', createdAt: T0 });
      const first = await second.sso.takeRequest('_req1', T0 + 1000);
      expect(first).toEqual({ id: '_req1', workspaceId: ws, browserHash: 'b1', createdAt: T0, usedAt: null });
      expect(await h.store.sso.takeRequest('_req1', T0 + 2000)).toMatchObject({ usedAt: T0 + 1000 });
      expect(await h.store.sso.takeRequest('_never', T0)).toBeUndefined();
      // An id is remembered once.
      await expect(
        h.store.sso.rememberRequest({ id: '_req1', workspaceId: ws, browserHash: 'b2', createdAt: T0 }),
      ).rejects.toThrow();
    });

    it('takes a request raced for by two answers exactly once', async () => {
      const second = await h.second();
      others.push(second);
      await h.store.sso.rememberRequest({
        id: '_race',
        workspaceId: randomUUID(),
        browserHash: 'b',
        createdAt: T0,
      });
      const [x, y] = await Promise.all([
        h.store.sso.takeRequest('_race', T0 + 1),
        second.sso.takeRequest('_race', T0 + 2),
      ]);
      expect([x?.usedAt, y?.usedAt].filter((u) => u === null)).toHaveLength(1);
    });

    it('accepts an assertion id once until it expires, across instances', async () => {
      const second = await h.second();
      others.push(second);
      const id = `_a${randomUUID()}/with:odd chars`;
      expect(await h.store.sso.acceptAssertionOnce(id, T0 + 60_000, T0)).toBe(true);
      expect(await second.sso.acceptAssertionOnce(id, T0 + 60_000, T0 + 1)).toBe(false);
      expect(await h.store.sso.acceptAssertionOnce(id, T0 + 60_000, T0 + 59_999)).toBe(false);
      // After its expiry the record no longer stands (the assertion itself is refused as expired anyway).
      expect(await h.store.sso.acceptAssertionOnce(id, T0 + 120_000, T0 + 60_000)).toBe(true);
    });

    it('prunes old requests and expired assertions in bounded steps, and keeps the rest', async () => {
      const ws = randomUUID();
      for (let i = 0; i < 5; i++)
        await h.store.sso.rememberRequest({
          id: `_old${i}`,
          workspaceId: ws,
          browserHash: 'b',
          createdAt: T0 + i,
        });
      await h.store.sso.rememberRequest({
        id: '_new',
        workspaceId: ws,
        browserHash: 'b',
        createdAt: T0 + 10_000,
      });
      await h.store.sso.acceptAssertionOnce('gone', T0 + 100, T0);
      await h.store.sso.acceptAssertionOnce('kept', T0 + 1_000_000, T0);
      const before = T0 + 5_000;
      const now = T0 + 500;
      expect(await h.store.sso.prune(before, now, 4)).toBe(4);
      expect(await h.store.sso.prune(before, now, 4)).toBe(2);
      expect(await h.store.sso.prune(before, now, 4)).toBe(0);
      expect(await h.store.sso.takeRequest('_old4', now)).toBeUndefined();
      expect(await h.store.sso.takeRequest('_new', now)).toMatchObject({ usedAt: null });
      expect(await h.store.sso.acceptAssertionOnce('kept', T0 + 1_000_000, now)).toBe(false);
      expect(await h.store.sso.acceptAssertionOnce('gone', T0 + 1_000, now)).toBe(true);
    });

    it('writes a claim with the rest of its unit of work, and a failed unit leaves no claim', async () => {
      const ws = randomUUID();
      await h.store.workspaces.create({
        id: ws,
        name: 'Claims',
        plan: 'enterprise',
        timeZone: 'Asia/Tokyo',
        createdAt: new Date(T0).toISOString(),
      });
      await expect(
        h.store.transaction(async (tx) => {
          await tx.sso.domainHolders(['rolled-back.example']);
          await tx.workspaces.update(ws, { name: 'Renamed' });
          await tx.sso.routeDomains(ws, { add: ['rolled-back.example'], remove: [] });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await h.store.sso.workspaceForDomain('rolled-back.example')).toBeUndefined();
      expect((await h.store.workspaces.get(ws))?.name).toBe('Claims');
      await h.store.transaction(async (tx) => {
        await tx.sso.domainHolders(['kept.example']);
        await tx.workspaces.update(ws, { name: 'Renamed' });
        await tx.sso.routeDomains(ws, { add: ['kept.example'], remove: [] });
      });
      expect(await h.store.sso.workspaceForDomain('kept.example')).toBe(ws);
      expect((await h.store.workspaces.get(ws))?.name).toBe('Renamed');
    });
  });
}
