import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqlitePlacement } from '../../storage/sqlite/placementRepo.js';
import { SqliteStore } from '../../storage/sqlite/sqliteStore.js';
import type { NodeLoad, PlacementRepos } from './placementRepo.js';
import { RoomPlacer } from './roomPlacer.js';

const ROOM = 'ws1:room1';

/** A node's media as the placer sees it: the rooms open here and the load it reports. */
class FakeHost {
  readonly open = new Set<string>();
  readonly evicted: string[] = [];
  roomKeys = () => this.open;
  evict = (roomKey: string) => {
    this.evicted.push(roomKey);
    this.open.delete(roomKey);
  };
  now: NodeLoad = { peers: 0, workers: 2 };
  hosts = (roomKey: string) => this.open.has(roomKey);
  load = () => this.now;
}

describe('RoomPlacer (two nodes on one store)', () => {
  let dir: string;
  let store: SqliteStore;
  let repos: PlacementRepos;
  let t: number;
  const placers: RoomPlacer[] = [];

  const node = (id: string, host = new FakeHost()) => {
    const p = new RoomPlacer({ repos, nodeId: id, url: `http://${id}.test`, host, now: () => t });
    placers.push(p);
    return { p, host };
  };

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-placer-'));
    store = SqliteStore.inDataDir(dir);
    await store.migrate();
    repos = sqlitePlacement(store.db);
    t = 1_800_000_000_000;
  });
  afterEach(async () => {
    placers.length = 0;
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the first node asked hosts a new room; a client reaching the other node is sent there', async () => {
    const a = node('a');
    const b = node('b');
    await a.p.tick();
    await b.p.tick();
    expect(await a.p.locate(ROOM)).toBeUndefined();
    a.host.open.add(ROOM);
    expect(await b.p.locate(ROOM)).toEqual({ nodeId: 'a', url: 'http://a.test' });
    expect(await a.p.locate(ROOM)).toBeUndefined();
    expect((await repos.placements.get(ROOM))?.nodeId).toBe('a');
  });

  it('a busy node places a new room on a clearly less loaded node', async () => {
    const a = node('a');
    const b = node('b');
    a.host.now = { peers: 120, workers: 2 };
    await a.p.tick();
    await b.p.tick();
    expect(await a.p.locate(ROOM)).toEqual({ nodeId: 'b', url: 'http://b.test' });
    expect(await b.p.locate(ROOM)).toBeUndefined();
    // Within the slack it keeps the room itself.
    a.host.now = { peers: 10, workers: 2 };
    await a.p.tick();
    expect(await a.p.locate('ws1:room2')).toBeUndefined();
  });

  it('takes over the rooms of a node whose heartbeat expired, not before', async () => {
    const a = node('a');
    const b = node('b');
    await a.p.tick();
    await b.p.tick();
    expect(await a.p.locate(ROOM)).toBeUndefined();
    a.host.open.add(ROOM);
    // a stops heartbeating (killed); b keeps going.
    t += a.p.settings.ttlMs - 1;
    await b.p.tick();
    expect(await b.p.locate(ROOM)).toEqual({ nodeId: 'a', url: 'http://a.test' });
    t += 1;
    expect(await b.p.locate(ROOM)).toBeUndefined();
    expect((await repos.placements.get(ROOM))?.nodeId).toBe('b');
  });

  it('a node whose heartbeat lapsed and whose room was taken over closes it on its next tick', async () => {
    const a = node('a');
    const b = node('b');
    await a.p.tick();
    await b.p.tick();
    await a.p.locate(ROOM);
    a.host.open.add(ROOM);
    await a.p.locate('ws1:kept');
    a.host.open.add('ws1:kept');
    // a stalls past its TTL; b takes ROOM over (a's other room nobody asked for).
    t += a.p.settings.ttlMs;
    await b.p.tick();
    expect(await b.p.locate(ROOM)).toBeUndefined();
    await a.p.tick();
    expect(a.host.evicted).toEqual([ROOM]);
    // a room open here without a placement (e.g. opened before placement ran) is simply claimed.
    a.host.open.add('ws1:unplaced');
    await a.p.tick();
    expect(a.host.evicted).toEqual([ROOM]);
    expect((await repos.placements.get('ws1:unplaced'))?.nodeId).toBe('a');
    expect((await repos.placements.get('ws1:kept'))?.nodeId).toBe('a');
  });

  it('pages of one room asking at once share one look-up and claim', async () => {
    const a = node('a');
    await a.p.tick();
    let claims = 0;
    const claim = repos.placements.claim;
    repos.placements.claim = (...args) => {
      claims++;
      return claim(...args);
    };
    expect(await Promise.all([a.p.locate(ROOM), a.p.locate(ROOM), a.p.locate(ROOM)])).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(claims).toBe(1);
    // Another room is its own claim.
    await a.p.locate('ws1:other');
    expect(claims).toBe(2);
  });

  it('releases a room that emptied here after a TTL, keeps one still open', async () => {
    const a = node('a');
    await a.p.tick();
    await a.p.locate(ROOM);
    await a.p.locate('ws1:open');
    a.host.open.add('ws1:open');
    await a.p.tick();
    // Claimed a moment ago and about to open: kept.
    expect((await repos.placements.listByNode('a')).map((p) => p.roomKey)).toEqual(['ws1:open', ROOM]);
    t += a.p.settings.ttlMs;
    await a.p.tick();
    expect((await repos.placements.listByNode('a')).map((p) => p.roomKey)).toEqual(['ws1:open']);
  });

  it('a clean stop releases the node’s rooms and record: the other node takes them at once', async () => {
    const a = node('a');
    const b = node('b');
    await a.p.start();
    await b.p.tick();
    await a.p.locate(ROOM);
    a.host.open.add(ROOM);
    await a.p.stop();
    expect(await repos.nodes.get('a')).toBeUndefined();
    expect(await b.p.locate(ROOM)).toBeUndefined();
    expect((await repos.placements.get(ROOM))?.nodeId).toBe('b');
  });
});
