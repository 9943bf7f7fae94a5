import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MembershipRepo } from '../auth/accountStore.js';
import { newUser } from '../storage/contracts/accountFixtures.js';
import { SqliteStore } from '../storage/sqlite/sqliteStore.js';
import { sharedMemberLists } from './floorHandlers.js';

describe('sharedMemberLists (floor snapshots in a connect rush)', () => {
  const T0 = '2026-12-01T09:00:00.000Z';
  let store: SqliteStore;
  let reads: string[];
  let failNext: boolean;
  let repo: Pick<MembershipRepo, 'listByWorkspace'>;

  async function workspaceWith(names: string[]) {
    const ws = randomUUID();
    await store.workspaces.create({ id: ws, name: 'W', plan: 'team', timeZone: 'UTC', createdAt: T0 });
    for (const displayName of names) await join(ws, displayName);
    return ws;
  }
  async function join(ws: string, displayName: string) {
    const { id } = await newUser(store, { displayName });
    await store.accounts.memberships.add({
      workspaceId: ws,
      userId: id,
      role: 'member',
      status: 'active',
      joinedAt: T0,
    });
  }

  beforeEach(async () => {
    store = new SqliteStore(':memory:');
    await store.migrate();
    reads = [];
    failNext = false;
    repo = {
      // Settles a macrotask later, like a read over the network, so callers overlap.
      listByWorkspace: async (ws) => {
        reads.push(ws);
        await new Promise((r) => setImmediate(r));
        if (failNext) {
          failNext = false;
          throw new Error('store unavailable');
        }
        return store.accounts.memberships.listByWorkspace(ws);
      },
    };
  });
  afterEach(async () => {
    await store.close();
  });

  it('sockets connecting at once share one read per workspace', async () => {
    const [a, b] = [await workspaceWith(['Aiko', 'Ben']), await workspaceWith(['Chie'])];
    const lists = sharedMemberLists(repo);
    const got = await Promise.all([
      ...Array.from({ length: 20 }, () => lists.listByWorkspace(a)),
      lists.listByWorkspace(b),
    ]);
    expect(reads.sort()).toEqual([a, b].sort());
    expect(got.slice(0, 20).every((l) => l.map((m) => m.displayName).join() === 'Aiko,Ben')).toBe(true);
    expect(got[20]?.map((m) => m.displayName)).toEqual(['Chie']);
  });

  it('keeps nothing once a read settled: the next connect sees who joined meanwhile', async () => {
    const ws = await workspaceWith(['Aiko']);
    const lists = sharedMemberLists(repo);
    expect((await lists.listByWorkspace(ws)).map((m) => m.displayName)).toEqual(['Aiko']);
    await join(ws, 'Ben');
    expect((await lists.listByWorkspace(ws)).map((m) => m.displayName)).toEqual(['Aiko', 'Ben']);
    expect(reads).toEqual([ws, ws]);
  });

  it('a failed read fails the sockets that shared it, and the next connect reads again', async () => {
    const ws = await workspaceWith(['Aiko']);
    const lists = sharedMemberLists(repo);
    failNext = true;
    const shared = await Promise.allSettled([lists.listByWorkspace(ws), lists.listByWorkspace(ws)]);
    expect(shared.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((await lists.listByWorkspace(ws)).map((m) => m.displayName)).toEqual(['Aiko']);
    expect(reads).toEqual([ws, ws]);
  });
});
