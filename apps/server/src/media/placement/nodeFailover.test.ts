import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ApiClient } from '../../testing/apiClient.js';
import {
  describeIfFirestore,
  firestoreEmulatorHost,
  testProjectId,
} from '../../testing/firestoreEmulator.js';
import { freeUdpTcpPorts } from '../../testing/freePorts.js';
import { type RunningRedis, redisAvailable, startRedisServer } from '../../testing/redisServer.js';
import { SERVER_MAIN, type ServerProcess, startServerProcess } from '../../testing/serverProcess.js';
import { TalkingUser } from '../../testing/talkingUser.js';
import { TcpBalancer } from '../../testing/tcpBalancer.js';
import { startTestApp } from '../../testing/testApp.js';
import type { PlacementRepos } from './placementRepo.js';

/** Issue 14's promise: users of a node killed mid-talk are back in their room, mute kept, within this. */
const BUDGET_MS = 10_000;

/**
 * Two server processes (the built dist) share the Firestore emulator and a Redis; clients reach them
 * through loopback TCP balancers, as behind a real load balancer: Aiko's sends her to A (B when A is gone),
 * Ben's to B. Their room is hosted on A; Ben's media signalling is relayed by B. A is SIGKILLed mid-talk.
 */
describeIfFirestore('a node killed mid-talk (two server processes, Firestore, Redis)', () => {
  const ready = redisAvailable() && fs.existsSync(SERVER_MAIN);
  const projectId = testProjectId();
  const emulatorHost = firestoreEmulatorHost()!;
  let redis: RunningRedis;
  let nodes: ServerProcess[] = [];
  let toA: TcpBalancer;
  let toB: TcpBalancer;
  let ports: { a: number; b: number };
  let placement: PlacementRepos;
  let closeStore: () => Promise<void>;
  let aiko: ApiClient;
  let ben: ApiClient;
  let wsId: string;
  let aikoId: string;
  let benId: string;
  const users: TalkingUser[] = [];
  const storeEnv = {
    STORE: 'firestore',
    FIRESTORE_EMULATOR_HOST: emulatorHost,
    FIRESTORE_PROJECT_ID: projectId,
  };

  beforeAll(async () => {
    if (!ready) return;
    // Accounts and the workspace, written to the shared store by a node of their own (then stopped).
    const setup = await startTestApp(storeEnv);
    aiko = await setup.signedInUser('aiko@example.com', undefined, 'Aiko');
    wsId = (await aiko.post('/api/workspaces', { name: 'Failover Co' })).body.id;
    ben = await setup.joinedMember(aiko, wsId, 'ben@example.com');
    aikoId = (await aiko.get('/api/session')).body.user.id;
    benId = (await ben.get('/api/session')).body.user.id;
    // Its sessions (cookies) are in the shared store: they open sockets on the other nodes.
    await setup.close();

    redis = await startRedisServer();
    const a = await freeUdpTcpPorts(1);
    const b = await freeUdpTcpPorts(1);
    const env = (id: string, port: number) => ({
      ...storeEnv,
      REDIS_URL: redis.url,
      NODE_ID: id,
      NODE_URL: `http://127.0.0.1:${port}`,
    });
    nodes = await Promise.all([
      startServerProcess(a, env('node-a', a)),
      startServerProcess(b, env('node-b', b)),
    ]);
    ports = { a, b };
    toA = await TcpBalancer.start([a, b]);
    toB = await TcpBalancer.start([b, a]);

    const { openFirestoreStore } = await import('../../storage/firestore/firestoreStore.js');
    const { placementReposOf } = await import('../../storage/placementRepo.js');
    const store = await openFirestoreStore({ projectId, emulatorHost });
    placement = await placementReposOf(store);
    closeStore = () => store.close();
  }, 240_000);

  afterAll(async () => {
    for (const u of users) u.close();
    await toA?.close();
    await toB?.close();
    for (const n of nodes) await n.kill('SIGKILL');
    await redis?.dispose();
    await closeStore?.();
  });

  it.skipIf(!ready)(
    'people on A and B talk; killing A brings them back in their room on B, mute kept, placement moved, within 10 s',
    async () => {
      const a = new TalkingUser(toA.url, aiko, wsId, true);
      const b = new TalkingUser(toB.url, ben, wsId, false);
      users.push(a, b);
      await Promise.all([a.connected(), b.connected()]);
      const created = await a.socket.emitWithAck('room:create', { name: 'Standup' });
      if (!created.ok) throw new Error(JSON.stringify(created.error));
      const roomId = created.data.id;
      const roomKey = `${wsId}:${roomId}`;
      // Aiko first: her node (A) opens the room's media and holds its placement.
      await a.enter(roomId);
      // Ben's page shows the room once node B's floor has it (a join on B before that finds no room).
      await expect.poll(() => b.floor.has(roomId)).toBe(true);
      await b.enter(roomId);

      /** Both in the room on both floors; each hears the other, Aiko muted and Ben not. */
      const together = () =>
        a.mediaReady &&
        b.mediaReady &&
        a.participants(roomId).join() === 'Aiko,ben' &&
        b.participants(roomId).join() === 'Aiko,ben' &&
        [...b.hears.values()].some((h) => h.peerId === aikoId && h.paused) &&
        [...a.hears.values()].some((h) => h.peerId === benId && !h.paused);
      await expect.poll(together, { timeout: 20_000 }).toBe(true);
      expect((await placement.placements.get(roomKey))?.nodeId).toBe('node-a');
      // Aiko's socket is on A, Ben's on B (his media relayed to A).
      expect([toA.forwarded.get(ports.a), toA.forwarded.get(ports.b)]).toEqual([1, undefined]);
      expect([toB.forwarded.get(ports.b), toB.forwarded.get(ports.a)]).toEqual([1, undefined]);

      const killedAt = Date.now();
      await nodes[0]!.kill('SIGKILL');
      // When each part came back (ms after the kill), printed with the result.
      const seen: Record<string, number> = {};
      const mark = (what: string, ok: boolean) => {
        if (ok && seen[what] === undefined) seen[what] = Date.now() - killedAt;
        return ok;
      };
      await expect
        .poll(
          async () => {
            const moved = mark('placement', (await placement.placements.get(roomKey))?.nodeId === 'node-b');
            mark('aikoMedia', a.mediaReady);
            mark('benMedia', b.mediaReady);
            mark('aikoInRoom', a.participants(roomId).join() === 'Aiko,ben');
            return mark('all', together() && moved);
          },
          { timeout: BUDGET_MS, interval: 50 },
        )
        .toBe(true);
      const took = Date.now() - killedAt;
      console.log(
        `[failover] node A killed → users back in their room on node B with mute kept and the placement moved: ` +
          `${took} ms (budget ${BUDGET_MS} ms, margin ${BUDGET_MS - took} ms; joins redirected to the dead node ` +
          `meanwhile: ${a.redirects + b.redirects}; Ben told to renegotiate: ${b.renegotiations}; ` +
          `timeline ${JSON.stringify(seen)})`,
      );
      // Mute kept: Aiko's microphone is still paused for Ben, Ben's is live for Aiko (not everything paused).
      expect([...b.hears.values()].filter((h) => h.peerId === aikoId).map((h) => h.paused)).toEqual([true]);
      expect([...a.hears.values()].filter((h) => h.peerId === benId).map((h) => h.paused)).toEqual([false]);
    },
    60_000,
  );
});
