import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DataKeyRepo, WrappedDataKey } from '../../crypto/dataKeyRepo.js';

export interface DataKeyHarness {
  repo: DataKeyRepo;
  /** The same repository through another store instance (a second server on the same data). */
  second(): Promise<DataKeyRepo>;
  close(): Promise<void>;
}

const key = (workspaceId: string, masterKeyId: string): WrappedDataKey => ({
  workspaceId,
  masterKeyId,
  wrapped: randomBytes(61),
  createdAt: '2026-12-02T00:00:00.000Z',
});

/** The data-key repository (R19, crypto/dataKeyRepo.ts) on every engine. */
export function describeDataKeysContract(engine: string, make: () => Promise<DataKeyHarness>) {
  describe(`Data keys contract: ${engine}`, () => {
    let h: DataKeyHarness;
    // Master key ids are unique per test: a Firestore project is shared by the suite's tests.
    let m1: string;
    let m2: string;
    beforeEach(async () => {
      h = await make();
      m1 = `m1-${randomUUID()}`;
      m2 = `m2-${randomUUID()}`;
    });
    afterEach(async () => {
      await h.close();
    });

    it('stores one key per workspace: a second create returns the first, also from another instance', async () => {
      const ws = randomUUID();
      const first = key(ws, m1);
      expect(await h.repo.createIfAbsent(first)).toEqual(first);
      const other = await h.second();
      const again = await other.createIfAbsent(key(ws, m1));
      expect(again.wrapped.equals(first.wrapped)).toBe(true);
      expect((await h.repo.get(ws))?.wrapped.equals(first.wrapped)).toBe(true);
      expect(await h.repo.get(randomUUID())).toBeUndefined();
    });

    it('two instances creating at once agree on one key', async () => {
      const ws = randomUUID();
      const other = await h.second();
      const [a, b] = await Promise.all([
        h.repo.createIfAbsent(key(ws, m1)),
        other.createIfAbsent(key(ws, m1)),
      ]);
      expect(a.wrapped.equals(b.wrapped)).toBe(true);
    });

    it('re-wraps only while the key is still under the expected master key', async () => {
      const ws = randomUUID();
      await h.repo.createIfAbsent(key(ws, m1));
      const next = randomBytes(61);
      expect(await h.repo.rewrap(ws, m2, { masterKeyId: m2, wrapped: next })).toBe(false);
      expect((await h.repo.get(ws))?.masterKeyId).toBe(m1);
      expect(await h.repo.rewrap(ws, m1, { masterKeyId: m2, wrapped: next })).toBe(true);
      const now = await h.repo.get(ws);
      expect(now?.masterKeyId).toBe(m2);
      expect(now?.wrapped.equals(next)).toBe(true);
      expect(await h.repo.rewrap(ws, m1, { masterKeyId: m2, wrapped: next })).toBe(false);
      expect(await h.repo.rewrap(randomUUID(), m1, { masterKeyId: m2, wrapped: next })).toBe(false);
    });

    it('lists the keys under other master keys, and finds one under a given key', async () => {
      const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()] as [string, string, string];
      await h.repo.createIfAbsent(key(a, m1));
      await h.repo.createIfAbsent(key(b, m2));
      await h.repo.createIfAbsent(key(c, m2));
      const notM1 = (await h.repo.listWrappedByOthers([m1], 100)).filter((k) =>
        [a, b, c].includes(k.workspaceId),
      );
      expect(notM1.map((k) => k.workspaceId).sort()).toEqual([b, c].sort());
      const neither = (await h.repo.listWrappedByOthers([m1, m2], 100)).filter((k) =>
        [a, b, c].includes(k.workspaceId),
      );
      expect(neither).toEqual([]);
      expect(await h.repo.listWrappedByOthers([m1], 1)).toHaveLength(1);
      expect((await h.repo.anyWrappedBy(m1))?.workspaceId).toBe(a);
      expect(await h.repo.anyWrappedBy(`none-${randomUUID()}`)).toBeUndefined();
    });

    it('deletes a workspace’s key (idempotent) and leaves the others', async () => {
      const [a, b] = [randomUUID(), randomUUID()];
      await h.repo.createIfAbsent(key(a, m1));
      await h.repo.createIfAbsent(key(b, m1));
      await h.repo.delete(a);
      await h.repo.delete(a);
      expect(await h.repo.get(a)).toBeUndefined();
      expect(await h.repo.get(b)).toBeDefined();
      expect(await h.repo.rewrap(a, m1, { masterKeyId: m2, wrapped: randomBytes(8) })).toBe(false);
      expect(await h.repo.get(a)).toBeUndefined();
    });
  });
}
