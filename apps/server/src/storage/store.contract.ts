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

    it('lists more workspaces than one read takes (a member of 35), unknown and repeated ids ignored', async () => {
      const many = Array.from({ length: 35 }, (_, i) => ws({ name: `W${String(i).padStart(2, '0')}` }));
      await Promise.all(many.map((w) => store.workspaces.create(w)));
      const ids = [...many.map((w) => w.id), randomUUID(), many[0]!.id];
      const listed = await store.workspaces.listByIds(ids);
      expect(listed.map((w) => w.name)).toEqual(many.map((w) => w.name));
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
        await store.accessLog.list({ workspaceId: wsA, userId: 'u2', type: 'auth.signout' }),
      ).toHaveLength(1);
      expect(await store.accessLog.list({ workspaceId: wsA, userId: 'u2', type: 'auth.signin' })).toEqual([]);
      expect(
        await store.accessLog.list({
          workspaceId: wsA,
          from: '2026-01-02T00:00:00.000Z',
          to: '2026-01-03T00:00:00.000Z',
        }),
      ).toHaveLength(1);
      expect(await store.accessLog.list({ workspaceId: randomUUID() })).toEqual([]);
    });

    it('pages through a large access log with the (at, id) cursor: each event once, newest first', async () => {
      const wsA = randomUUID();
      const base = Date.parse('2026-02-01T00:00:00.000Z');
      // Three events per second, so pages also break inside a run of equal times (the id decides there).
      const events = Array.from({ length: 1200 }, (_, i) => ({
        id: randomUUID(),
        workspaceId: wsA,
        userId: `u${i % 7}`,
        type: i % 2 === 0 ? 'room.enter' : 'room.leave',
        at: new Date(base + Math.floor(i / 3) * 1000).toISOString(),
        ip: null,
        userAgent: null,
        detail: { i },
      }));
      for (let i = 0; i < events.length; i += 100) {
        await Promise.all(events.slice(i, i + 100).map((e) => store.accessLog.append(e)));
      }
      await store.accessLog.append({ ...events[0]!, id: randomUUID(), workspaceId: randomUUID() });
      const expected = [...events]
        .sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1))
        .map((e) => e.id);
      const seen: string[] = [];
      let after: { at: string; id: string } | undefined;
      for (let page = 0; page < 20; page++) {
        const got = await store.accessLog.list({ workspaceId: wsA, limit: 97, ...(after ? { after } : {}) });
        if (got.length === 0) break;
        seen.push(...got.map((e) => e.id));
        const last = got[got.length - 1]!;
        after = { at: last.at, id: last.id };
      }
      expect(seen).toHaveLength(1200);
      expect(seen).toEqual(expected);
      // The cursor composes with the filters: the enter events after the 10th newest one.
      const enters = events.filter((e) => e.type === 'room.enter').map((e) => e.id);
      const enterOrder = expected.filter((id) => enters.includes(id));
      const tenth = events.find((e) => e.id === enterOrder[9])!;
      const rest = await store.accessLog.list({
        workspaceId: wsA,
        type: 'room.enter',
        limit: 5,
        after: { at: tenth.at, id: tenth.id },
      });
      expect(rest.map((e) => e.id)).toEqual(enterOrder.slice(10, 15));
    }, 120_000); // 1,200 chained appends; a document store batches them per transaction (4 s loaded)

    it('gives a lease to exactly one of many racing holders', async () => {
      const now = new Date('2026-01-01T16:00:00Z');
      const holders = Array.from({ length: 8 }, (_, i) => `node-${i}`);
      const won = await Promise.all(holders.map((h) => store.leases.tryAcquire('race', h, now, 60_000)));
      expect(won.filter(Boolean)).toHaveLength(1);
      const winner = holders[won.indexOf(true)]!;
      const later = new Date(now.getTime() + 1000);
      for (const h of holders.filter((x) => x !== winner)) {
        expect(await store.leases.tryAcquire('race', h, later, 60_000)).toBe(false);
      }
      // Once it expired, again exactly one racer takes it over.
      const expired = new Date(now.getTime() + 60_000);
      const again = await Promise.all(
        holders.map((h) => store.leases.tryAcquire('race', h, expired, 60_000)),
      );
      expect(again.filter(Boolean)).toHaveLength(1);
    }, 60_000); // contending transactions back off and retry on a document store

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

    it('keeps meta keys apart whatever characters they hold (time zones have slashes)', async () => {
      const keys = ['retention.lastRun:Asia/Tokyo', 'a/b', 'a%2Fb', '.', '..', '__x__', '_', '%2E', '日本'];
      for (const [i, key] of keys.entries()) await store.meta.set(key, `v${i}`);
      for (const [i, key] of keys.entries()) expect(await store.meta.get(key)).toBe(`v${i}`);
      expect(await store.meta.get('retention.lastRun:Asia')).toBeUndefined();
    });
  });
}
