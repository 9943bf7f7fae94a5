import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoomRecord, RoomRepo } from '../rooms/roomRepo.js';

/** A Store, or anything else holding rooms (the in-memory repo used by unit tests). */
export interface RoomRepoHolder {
  readonly rooms: RoomRepo;
  close(): Promise<void>;
}

/** The rooms part of the store contract; each engine's test file calls it with a fresh migrated store. */
export function describeRoomRepoContract(engine: string, makeStore: () => Promise<RoomRepoHolder>) {
  describe(`RoomRepo contract: ${engine}`, () => {
    let store: RoomRepoHolder;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    const room = (workspaceId: string, over: Partial<RoomRecord> = {}): RoomRecord => ({
      id: randomUUID(),
      workspaceId,
      name: 'Lounge',
      capacity: null,
      archived: false,
      createdAt: '2026-11-27T00:00:00.000Z',
      ...over,
    });

    it('stores, reads, renames and archives a room', async () => {
      const ws = randomUUID();
      const r = room(ws, { name: '雑談ルーム', capacity: 6 });
      await store.rooms.create(r);
      expect(await store.rooms.get(ws, r.id)).toEqual(r);
      expect(await store.rooms.rename(ws, r.id, 'Focus')).toEqual({ ...r, name: 'Focus' });
      expect(await store.rooms.archive(ws, r.id)).toEqual({ ...r, name: 'Focus', archived: true });
      expect(await store.rooms.archive(ws, r.id)).toMatchObject({ archived: true }); // idempotent
      expect(await store.rooms.get(ws, r.id)).toEqual({ ...r, name: 'Focus', archived: true });
    });

    it('lists a workspace’s rooms oldest first, archived included', async () => {
      const ws = randomUUID();
      const late = room(ws, { name: 'B', createdAt: '2026-11-27T02:00:00.000Z' });
      const early = room(ws, { name: 'A', createdAt: '2026-11-27T01:00:00.000Z', archived: true });
      await store.rooms.create(late);
      await store.rooms.create(early);
      expect((await store.rooms.list(ws)).map((r) => r.name)).toEqual(['A', 'B']);
      expect(await store.rooms.list(randomUUID())).toEqual([]);
    });

    it('refuses a second room with the same id', async () => {
      const r = room(randomUUID());
      await store.rooms.create(r);
      await expect(store.rooms.create(r)).rejects.toThrow();
    });

    it('never reads or changes a room through another workspace', async () => {
      const [wsA, wsB] = [randomUUID(), randomUUID()];
      const r = room(wsA, { name: 'A only' });
      await store.rooms.create(r);
      expect(await store.rooms.get(wsB, r.id)).toBeUndefined();
      expect(await store.rooms.list(wsB)).toEqual([]);
      expect(await store.rooms.rename(wsB, r.id, 'hijacked')).toBeUndefined();
      expect(await store.rooms.archive(wsB, r.id)).toBeUndefined();
      expect(await store.rooms.get(wsA, r.id)).toEqual(r);
    });

    it('returns undefined for unknown rooms', async () => {
      const ws = randomUUID();
      expect(await store.rooms.get(ws, randomUUID())).toBeUndefined();
      expect(await store.rooms.rename(ws, randomUUID(), 'x')).toBeUndefined();
      expect(await store.rooms.archive(ws, randomUUID())).toBeUndefined();
    });
  });
}
