import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MembershipRepo } from '../auth/accountStore.js';
import { newUser } from '../storage/contracts/accountFixtures.js';
import { SqliteStore } from '../storage/sqlite/sqliteStore.js';
import { MEMBER_LIST_TTL_MS, MemberDirectory } from './memberDirectory.js';

describe('MemberDirectory (floor snapshots in a connect rush)', () => {
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
    return id;
  }
  const names = async (directory: MemberDirectory, ws: string) =>
    (await directory.list(ws)).map((m) => m.displayName);

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
    vi.useRealTimers();
    await store.close();
  });

  it('sockets connecting at once share one read per workspace', async () => {
    const [a, b] = [await workspaceWith(['Aiko', 'Ben']), await workspaceWith(['Chie'])];
    const directory = new MemberDirectory(repo);
    const got = await Promise.all([
      ...Array.from({ length: 20 }, () => directory.list(a)),
      directory.list(b),
    ]);
    expect(reads.sort()).toEqual([a, b].sort());
    expect(got.slice(0, 20).every((l) => l.map((m) => m.displayName).join() === 'Aiko,Ben')).toBe(true);
    expect(got[20]?.map((m) => m.displayName)).toEqual(['Chie']);
  });

  it('lists active members only, by id and name', async () => {
    const ws = await workspaceWith(['Aiko']);
    const ben = await join(ws, 'Ben');
    await store.accounts.memberships.update(ws, ben, { status: 'disabled' });
    const listed = await new MemberDirectory(repo).list(ws);
    expect(listed).toEqual([{ userId: expect.any(String), displayName: 'Aiko' }]);
  });

  it('keeps a read for the sockets of the next seconds, then reads again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const ws = await workspaceWith(['Aiko']);
    const directory = new MemberDirectory(repo);
    expect(await names(directory, ws)).toEqual(['Aiko']);
    await join(ws, 'Ben');
    // Within the lifetime a connecting socket gets the kept list (Ben shows with his first presence).
    vi.advanceTimersByTime(MEMBER_LIST_TTL_MS - 1);
    expect(await names(directory, ws)).toEqual(['Aiko']);
    expect(reads).toEqual([ws]);
    vi.advanceTimersByTime(1);
    expect(await names(directory, ws)).toEqual(['Aiko', 'Ben']);
    expect(reads).toEqual([ws, ws]);
  });

  it('a membership that starts or ends clears the kept list at once', async () => {
    const ws = await workspaceWith(['Aiko']);
    const directory = new MemberDirectory(repo);
    expect(await names(directory, ws)).toEqual(['Aiko']);
    const ben = await join(ws, 'Ben');
    directory.forget(ws);
    expect(await names(directory, ws)).toEqual(['Aiko', 'Ben']);
    await store.accounts.memberships.update(ws, ben, { status: 'disabled' });
    directory.forget(ws);
    expect(await names(directory, ws)).toEqual(['Aiko']);
    expect(reads).toEqual([ws, ws, ws]);
  });

  it('a failed read fails the sockets that shared it, and the next connect reads again', async () => {
    const ws = await workspaceWith(['Aiko']);
    const directory = new MemberDirectory(repo);
    failNext = true;
    const shared = await Promise.allSettled([directory.list(ws), directory.list(ws)]);
    expect(shared.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await names(directory, ws)).toEqual(['Aiko']);
    expect(reads).toEqual([ws, ws]);
  });
});
