import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store, Workspace } from './store.js';

/**
 * The contract every Store engine passes (SQLite now, Firestore for scale-out). Each engine's test file
 * calls this with a factory that returns a fresh, empty, migrated store.
 */
export function describeStoreContract(engine: string, makeStore: () => Promise<Store>) {
  describe(`Store contract: ${engine}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    const ws = (over: Partial<Workspace> = {}): Workspace => ({
      id: randomUUID(),
      name: 'Acme',
      plan: 'free',
      timeZone: 'Asia/Tokyo',
      createdAt: '2026-11-27T00:00:00.000Z',
      ...over,
    });

    it('stores, reads and updates a workspace', async () => {
      const a = ws({ name: 'Acme 株式会社' });
      await store.workspaces.create(a);
      expect(await store.workspaces.get(a.id)).toEqual(a);
      const updated = await store.workspaces.update(a.id, { plan: 'enterprise', timeZone: 'Europe/Paris' });
      expect(updated).toMatchObject({ plan: 'enterprise', timeZone: 'Europe/Paris', name: 'Acme 株式会社' });
      expect(await store.workspaces.get(a.id)).toEqual(updated);
      expect(await store.workspaces.get(randomUUID())).toBeUndefined();
      expect(await store.workspaces.update(randomUUID(), { name: 'x' })).toBeUndefined();
    });

    it('refuses a second workspace with the same id', async () => {
      const a = ws();
      await store.workspaces.create(a);
      await expect(store.workspaces.create(a)).rejects.toThrow();
    });

    it('lists only the workspaces asked for', async () => {
      const [a, b, c] = [ws({ name: 'A' }), ws({ name: 'B' }), ws({ name: 'C' })];
      for (const w of [a, b, c]) await store.workspaces.create(w);
      const listed = await store.workspaces.listByIds([a.id, c.id]);
      expect(listed.map((w) => w.name).sort()).toEqual(['A', 'C']);
      expect(await store.workspaces.listByIds([])).toEqual([]);
    });

    it('keeps access-log events per workspace, newest first, filterable', async () => {
      const wsA = randomUUID();
      const wsB = randomUUID();
      const ev = (workspaceId: string, at: string, type: string, userId = 'u1') => ({
        id: randomUUID(),
        workspaceId,
        userId,
        type,
        at,
        ip: '127.0.0.1',
        userAgent: 'test',
        detail: { ok: true },
      });
      await store.accessLog.append(ev(wsA, '2026-01-01T00:00:00.000Z', 'auth.signin'));
      await store.accessLog.append(ev(wsA, '2026-01-02T00:00:00.000Z', 'auth.signout', 'u2'));
      await store.accessLog.append(ev(wsB, '2026-01-03T00:00:00.000Z', 'auth.signin'));
      const all = await store.accessLog.list({ workspaceId: wsA });
      expect(all.map((e) => e.type)).toEqual(['auth.signout', 'auth.signin']);
      expect(all[0]?.detail).toEqual({ ok: true });
      expect(await store.accessLog.list({ workspaceId: wsA, userId: 'u1' })).toHaveLength(1);
      expect(await store.accessLog.list({ workspaceId: wsA, type: 'auth.signin' })).toHaveLength(1);
      expect(
        await store.accessLog.list({
          workspaceId: wsA,
          from: '2026-01-02T00:00:00.000Z',
          to: '2026-01-03T00:00:00.000Z',
        }),
      ).toHaveLength(1);
      expect(await store.accessLog.list({ workspaceId: randomUUID() })).toEqual([]);
    });

    it('grants a lease to one holder until it expires', async () => {
      const t0 = new Date('2026-01-01T16:00:00Z');
      expect(await store.leases.tryAcquire('purge', 'node-a', t0, 60_000)).toBe(true);
      expect(await store.leases.tryAcquire('purge', 'node-b', new Date(t0.getTime() + 1000), 60_000)).toBe(
        false,
      );
      expect(await store.leases.tryAcquire('purge', 'node-a', new Date(t0.getTime() + 2000), 60_000)).toBe(
        true,
      );
      expect(await store.leases.tryAcquire('purge', 'node-b', new Date(t0.getTime() + 62_001), 60_000)).toBe(
        true,
      );
      await store.leases.release('purge', 'node-a'); // not the holder any more: no effect
      expect(await store.leases.tryAcquire('purge', 'node-a', new Date(t0.getTime() + 63_000), 60_000)).toBe(
        false,
      );
      await store.leases.release('purge', 'node-b');
      expect(await store.leases.tryAcquire('purge', 'node-a', new Date(t0.getTime() + 64_000), 60_000)).toBe(
        true,
      );
    });

    it('stores meta values', async () => {
      expect(await store.meta.get('k')).toBeUndefined();
      await store.meta.set('k', 'v1');
      await store.meta.set('k', 'v2');
      expect(await store.meta.get('k')).toBe('v2');
    });
  });
}
