import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blobKeysOf, type ImageRecord } from '../../images/imageRepo.js';
import type { Store } from '../store.js';

/** What the images suite needs: a store, and a second instance over the same data (another server). */
export interface ImagesHarness {
  store: Store;
  second(): Promise<Store>;
  close(): Promise<void>;
}

const rec = (ws: string, over: Partial<ImageRecord> = {}): ImageRecord => ({
  workspaceId: ws,
  id: randomUUID(),
  kind: 'message',
  ownerId: 'u1',
  uploaderId: 'u1',
  contentType: 'image/png',
  width: 10,
  height: 20,
  bytes: 123,
  createdAt: '2026-06-01T00:00:00.000Z',
  ...over,
});

/** Image records (R16) on every engine: scoped by workspace, one current image per owner, pending taken once. */
export function describeImagesContract(engine: string, make: () => Promise<ImagesHarness>) {
  describe(`images store contract: ${engine}`, () => {
    let h: ImagesHarness;
    const others: Store[] = [];
    beforeEach(async () => {
      h = await make();
    });
    afterEach(async () => {
      for (const s of others.splice(0)) await s.close();
      await h.close();
    });

    it('keeps one current profile image per member; the replaced one is returned; workspaces apart', async () => {
      const [a, b] = [randomUUID(), randomUUID()];
      const images = h.store.images;
      const first = rec(a, { kind: 'profile', ownerId: 'u1' });
      expect(await images.setCurrent(first)).toBeUndefined();
      expect(await images.current(a, 'profile', 'u1')).toEqual(first);
      const second = rec(a, { kind: 'profile', ownerId: 'u1', width: 99 });
      expect(await images.setCurrent(second)).toEqual(first);
      expect(await images.current(a, 'profile', 'u1')).toEqual(second);
      expect(await images.get(a, first.id)).toBeUndefined();
      // Another workspace sees none of it, even by id.
      expect(await images.current(b, 'profile', 'u1')).toBeUndefined();
      expect(await images.get(b, second.id)).toBeUndefined();
      expect(await images.current(a, 'profile', 'u2')).toBeUndefined();
      const logo = rec(a, { kind: 'workspace', ownerId: a });
      await images.setCurrent(logo);
      expect(await images.current(a, 'workspace', a)).toEqual(logo);
      expect(await images.current(a, 'profile', 'u1')).toEqual(second);
      await images.setCurrent(rec(a, { kind: 'profile', ownerId: 'u2', id: 'img-u2' }));
      expect(await images.profileImages(a)).toEqual({ u1: second.id, u2: 'img-u2' });
      expect(await images.profileImages(b)).toEqual({});
      expect(await images.clearCurrent(a, 'profile', 'u1')).toEqual(second);
      expect(await images.current(a, 'profile', 'u1')).toBeUndefined();
      expect(await images.clearCurrent(a, 'profile', 'u1')).toBeUndefined();
    });

    it('concurrent replacements from two servers leave exactly one current image', async () => {
      const ws = randomUUID();
      const other = await h.second();
      others.push(other);
      const recs = Array.from({ length: 4 }, (_, i) =>
        rec(ws, { kind: 'profile', ownerId: 'u1', width: i + 1 }),
      );
      await Promise.all(recs.map((r, i) => (i % 2 ? other : h.store).images.setCurrent(r)));
      const current = await h.store.images.current(ws, 'profile', 'u1');
      expect(recs.map((r) => r.id)).toContain(current?.id);
      const survivors = await Promise.all(recs.map((r) => h.store.images.get(ws, r.id)));
      expect(survivors.filter(Boolean)).toHaveLength(1);
    });

    it('takes pending images of their uploader once, all or nothing', async () => {
      const [a, b] = [randomUUID(), randomUUID()];
      const images = h.store.images;
      const p1 = rec(a);
      const p2 = rec(a);
      const bens = rec(a, { uploaderId: 'u2', ownerId: 'u2' });
      for (const p of [p1, p2, bens]) await images.addPending(p);
      expect(await images.takePending(a, 'u1', [p1.id, bens.id])).toBeUndefined(); // not all theirs
      expect(await images.takePending(b, 'u1', [p1.id])).toBeUndefined(); // another workspace
      expect(await images.get(a, p1.id)).toEqual(p1); // nothing taken
      expect(await images.takePending(a, 'u1', [p1.id, p2.id])).toEqual([p1, p2]);
      expect(await images.takePending(a, 'u1', [p1.id])).toBeUndefined(); // only once
      expect(await images.get(a, p1.id)).toBeUndefined();
      // A profile image is never taken as a message image.
      const profile = rec(a, { kind: 'profile' });
      await images.setCurrent(profile);
      expect(await images.takePending(a, 'u1', [profile.id])).toBeUndefined();
    });

    it('two servers taking the same pending image: one gets it', async () => {
      const ws = randomUUID();
      const other = await h.second();
      others.push(other);
      const p = rec(ws);
      await h.store.images.addPending(p);
      const got = await Promise.all([
        h.store.images.takePending(ws, 'u1', [p.id]),
        other.images.takePending(ws, 'u1', [p.id]),
      ]);
      expect(got.filter(Boolean)).toHaveLength(1);
    });

    it('expired pending images are taken oldest first, only those before the time', async () => {
      const ws = randomUUID();
      const images = h.store.images;
      const old = rec(ws, { createdAt: '2026-06-01T00:00:00.000Z' });
      const older = rec(ws, { createdAt: '2026-05-31T00:00:00.000Z' });
      const fresh = rec(ws, { createdAt: '2026-06-01T02:00:00.000Z' });
      const profile = rec(ws, { kind: 'profile', createdAt: '2026-05-01T00:00:00.000Z' });
      for (const p of [old, older, fresh]) await images.addPending(p);
      await images.setCurrent(profile);
      const taken = await images.takeExpiredPending(ws, '2026-06-01T01:00:00.000Z', 10);
      expect(taken.map((r) => r.id).sort()).toEqual([old.id, older.id].sort());
      expect(await images.get(ws, fresh.id)).toEqual(fresh);
      expect(await images.get(ws, profile.id)).toEqual(profile);
      expect(await images.takeExpiredPending(ws, '2026-06-01T01:00:00.000Z', 10)).toEqual([]);
    });

    it('lists expired pending images across workspaces, oldest first, up to the limit; nothing else', async () => {
      // Times far before the other tests' records (a shared emulator project may hold theirs).
      const [a, b] = [randomUUID(), randomUUID()];
      const images = h.store.images;
      const inA = rec(a, { createdAt: '2001-06-01T00:00:00.000Z' });
      const inB = rec(b, { createdAt: '2001-05-31T00:00:00.000Z' });
      const inB2 = rec(b, { createdAt: '2001-05-31T12:00:00.000Z' });
      const fresh = rec(a, { createdAt: '2001-06-01T02:00:00.000Z' });
      for (const p of [inA, inB, inB2, fresh]) await images.addPending(p);
      await images.setCurrent(rec(b, { kind: 'profile', createdAt: '2001-05-01T00:00:00.000Z' }));
      const cut = '2001-06-01T01:00:00.000Z';
      const of = (r: ImageRecord) => ({ workspaceId: r.workspaceId, id: r.id });
      expect(await images.expiredPending(cut, 10)).toEqual([of(inB), of(inB2), of(inA)]);
      expect(await images.expiredPending(cut, 2)).toEqual([of(inB), of(inB2)]);
      // A plain read: nothing was taken; taking them per workspace empties the list.
      expect(await images.get(b, inB.id)).toEqual(inB);
      await images.takeExpiredPending(b, cut, 10);
      expect(await images.expiredPending(cut, 10)).toEqual([of(inA)]);
    });

    it('erases a workspace’s images with counts and blob keys; other workspaces untouched', async () => {
      const [a, b] = [randomUUID(), randomUUID()];
      const images = h.store.images;
      const mine = [rec(a, { kind: 'profile' }), rec(a, { kind: 'workspace', ownerId: a }), rec(a)];
      await images.setCurrent(mine[0]!);
      await images.setCurrent(mine[1]!);
      await images.addPending(mine[2]!);
      const theirs = rec(b, { kind: 'profile' });
      await images.setCurrent(theirs);
      const res = await images.eraseWorkspace(a);
      expect(res.images).toBe(3);
      expect(res.blobKeys.sort()).toEqual(mine.flatMap(blobKeysOf).sort());
      for (const m of mine) expect(await images.get(a, m.id)).toBeUndefined();
      expect(await images.current(b, 'profile', 'u1')).toEqual(theirs);
      expect(await images.eraseWorkspace(a)).toEqual({ images: 0, blobKeys: [] });
    });

    it("the engine's workspace erasure (store.erasers) removes the image records too", async () => {
      const [a, b] = [randomUUID(), randomUUID()];
      const images = h.store.images;
      await images.setCurrent(rec(a, { kind: 'profile' }));
      await images.addPending(rec(a));
      const theirs = rec(b, { kind: 'profile' });
      await images.setCurrent(theirs);
      const eraser = h.store.erasers.find((e) => e.domain === 'images');
      expect(await eraser?.eraseWorkspace(a)).toEqual({ images: 2 });
      expect(await images.profileImages(a)).toEqual({});
      expect(await images.takeExpiredPending(a, '2100-01-01T00:00:00.000Z', 10)).toEqual([]);
      expect(await images.current(b, 'profile', 'u1')).toEqual(theirs);
    });
  });
}
