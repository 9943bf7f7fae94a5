import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../testing/apiClient.js';
import {
  REDIS_MISSING,
  type RunningRedis,
  redisAvailable,
  startRedisServer,
} from '../../testing/redisServer.js';
import { TalkingUser } from '../../testing/talkingUser.js';
import type { TestApp } from '../../testing/testApp.js';
import { startTwoNodes } from '../../testing/twoNodes.js';

const skip = !redisAvailable();
const OPS_TOKEN = 'ops-token-room-across-apps';
if (skip) console.warn(REDIS_MISSING);

/**
 * A room bigger than one node, through the whole app (docs/SCALING.md): two apps as two nodes sharing a
 * store and Redis, each with one media worker that carries one peer per room — so the room's host (A)
 * is full after Aiko, and Ben and Cho, whose pages are on B, are held by B, linked to A over the link
 * namespace of A's own socket server, signed with the key both derive from the shared master key.
 */
describe.skipIf(skip)('a room bigger than one node (two apps, Redis, one store)', () => {
  let redis: RunningRedis;
  let nodeA: TestApp;
  let nodeB: TestApp;
  let aiko: ApiClient;
  let ben: ApiClient;
  let cho: ApiClient;
  let wsId: string;
  const ids: Record<string, string> = {};
  const users: TalkingUser[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    ({ nodeA, nodeB } = await startTwoNodes(redis.url, ['node-a', 'node-b'], {
      MEDIA_WORKERS: '1',
      MEDIA_PEERS_PER_WORKER: '1',
      OPS_TOKEN,
    }));
    aiko = await nodeA.signedInUser('across-aiko@example.com', undefined, 'Aiko');
    wsId = (await aiko.post('/api/workspaces', { name: 'All Hands Co' })).body.id;
    ben = await nodeA.joinedMember(aiko, wsId, 'across-ben@example.com');
    cho = await nodeA.joinedMember(aiko, wsId, 'across-cho@example.com');
    for (const c of [aiko, ben, cho]) {
      const u = (await c.get('/api/session')).body.user;
      ids[u.displayName] = u.id;
    }
  }, 180_000);
  afterAll(async () => {
    for (const u of users) u.close();
    await nodeB?.close();
    await nodeA?.close();
    await redis?.dispose();
  }, 60_000);

  it('people on B join the full room held by B, linked to A: everyone hears everyone, mute included', async () => {
    const a = new TalkingUser(nodeA.app.url, aiko, wsId, true);
    const b = new TalkingUser(nodeB.app.url, ben, wsId, false);
    const c = new TalkingUser(nodeB.app.url, cho, wsId, false);
    users.push(a, b, c);
    await Promise.all([a.connected(), b.connected(), c.connected()]);
    const created = await a.socket.emitWithAck('room:create', { name: 'All hands' });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const roomId = created.data.id;
    await a.enter(roomId);
    await expect.poll(() => a.mediaReady, { timeout: 10_000 }).toBe(true);
    await expect.poll(() => b.floor.has(roomId)).toBe(true);
    await b.enter(roomId);
    await c.enter(roomId);

    const hears = (u: TalkingUser) =>
      [...u.hears.values()]
        .map(
          (h) =>
            `${h.peerId === ids.Aiko ? 'aiko' : h.peerId === ids['across-ben'] ? 'ben' : 'cho'}${h.paused ? ' (muted)' : ''}`,
        )
        .sort();
    await expect
      .poll(() => [hears(a), hears(b), hears(c)], { timeout: 15_000 })
      .toEqual([
        ['ben', 'cho'],
        ['aiko (muted)', 'cho'],
        ['aiko (muted)', 'ben'],
      ]);
    // A hosts the room with one peer and one link; B holds the other two as its satellite.
    expect(nodeA.app.media.stats()).toMatchObject({ peers: 1, links: 1, satellites: 0 });
    expect(nodeB.app.media.stats()).toMatchObject({ peers: 2, links: 1, satellites: 1 });
    expect(nodeA.app.media.hosts(`${wsId}:${roomId}`)).toBe(true);
    expect(nodeB.app.media.hosts(`${wsId}:${roomId}`)).toBe(false);
    // What an operator's scrape shows on each node.
    const metrics = async (t: TestApp) => {
      const res = await fetch(`${t.app.url}/api/ops/metrics`, {
        headers: { authorization: `Bearer ${OPS_TOKEN}` },
      });
      const text = await res.text();
      const value = (name: string) => Number(text.match(new RegExp(`^${name} (\\d+)$`, 'm'))?.[1]);
      return { links: value('tsudoi_media_links'), satellites: value('tsudoi_media_satellite_rooms') };
    };
    expect(await metrics(nodeA)).toEqual({ links: 1, satellites: 0 });
    expect(await metrics(nodeB)).toEqual({ links: 1, satellites: 1 });
  }, 60_000);
});
