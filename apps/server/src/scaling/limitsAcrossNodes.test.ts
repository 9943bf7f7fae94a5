import { type Ack, PROTOCOL_VERSION } from '@tsudoi/protocol';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PERSON_LIMITS } from '../realtime/rateLimit.js';
import type { ApiClient } from '../testing/apiClient.js';
import { LogCapture } from '../testing/logCapture.js';
import {
  REDIS_MISSING,
  type RunningRedis,
  redisAvailable,
  startRedisServer,
} from '../testing/redisServer.js';
import { TestSockets } from '../testing/sockets.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';
import { createRedisClient } from './redisClient.js';
import { RedisLimits } from './redisLimits.js';

/**
 * R23: two app instances (nodes) over one store and one Redis. A person or an address spread over both
 * nodes has one budget; without Redis each node counts alone (the control); Redis stopped: each node counts
 * alone (the documented fail mode), shared again when it returns.
 */

const present = redisAvailable();
if (!present) console.warn(REDIS_MISSING);

const ask = (s: Socket, event: string, payload: unknown = {}) =>
  s.emitWithAck(event, payload) as Promise<Ack<Record<string, unknown>>>;

const CHAT = PERSON_LIMITS.chat!;
const TABS = 4;
const INVITES = 5;
const SIGNINS = 4;

/** Anonymous sockets (status line, connection check) on one node. */
function anonymous(url: string, open: Socket[]) {
  const s = connect(url, {
    auth: { protocolVersion: PROTOCOL_VERSION },
    transports: ['websocket'],
    extraHeaders: { origin: url },
    reconnection: false,
  });
  open.push(s);
  return new Promise<Socket>((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', (err: Error & { data?: unknown }) => reject(err.data ?? err.message));
  });
}

interface Cluster {
  a: TestApp;
  b: TestApp;
  onA: TestSockets;
  onB: TestSockets;
  /** aiko (admin) and ben in one workspace; both signed in once, their cookies good on both nodes. */
  aiko: ApiClient;
  ben: ApiClient;
  wsId: string;
  aikoId: string;
  logsA: LogCapture;
  close(): Promise<void>;
}

async function cluster(extra: Record<string, string>): Promise<Cluster> {
  const env = {
    SOCKETS_PER_USER_MAX: String(TABS),
    HANDSHAKES_PER_IP_PER_MINUTE: '1000',
    ANON_SOCKETS_PER_IP_MAX: '100',
    INVITES_PER_ADMIN_PER_HOUR: String(INVITES),
    AUTH_RATE_LIMIT_PER_ACCOUNT: String(SIGNINS),
    LOG_LEVEL: 'info',
    ...extra,
  };
  const logsA = new LogCapture();
  const a = await startTestApp({ ...env, NODE_ID: 'node-a' }, { logStream: logsA });
  const b = await startTestApp({ ...env, ...a.storeEnv, NODE_ID: 'node-b' }, { logStream: new LogCapture() });
  const aiko = await a.signedInUser('aiko@example.com');
  const wsId = (await aiko.post('/api/workspaces', { name: 'Two Nodes Co' })).body.id as string;
  const ben = await a.joinedMember(aiko, wsId, 'ben@example.com');
  const aikoId = (await aiko.get('/api/session')).body.user.id as string;
  const onA = new TestSockets(a.app.url);
  const onB = new TestSockets(b.app.url);
  return {
    a,
    b,
    onA,
    onB,
    aiko,
    ben,
    wsId,
    aikoId,
    logsA,
    async close() {
      onA.closeAll();
      onB.closeAll();
      await b.close();
      await a.close();
    },
  };
}

/** `n` chat events on each socket at once; the ones the rate limit let through (whatever the handler said). */
async function passed(sockets: Socket[], n: number): Promise<number> {
  const answers = await Promise.all(
    sockets.flatMap((s) =>
      Array.from({ length: n }, (_, i) =>
        ask(s, 'chat:send', { to: { kind: 'room', roomId: 'no-such-room' }, text: `m${i}` }),
      ),
    ),
  );
  return answers.filter((r) => r.ok || r.error.code !== 'RATE_LIMITED').length;
}

/** What the refill can add while a burst runs (3 tokens/s), plus one. */
const refillDuring = (ms: number) => Math.ceil((ms / 1000) * CHAT.perSecond) + 1;

describe.skipIf(!present)('limits across two nodes sharing Redis', () => {
  let redis: RunningRedis;
  let c: Cluster;
  let probe: RedisLimits;
  const anon: Socket[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    c = await cluster({ REDIS_URL: redis.url });
    const log = { info() {}, warn() {} };
    probe = new RedisLimits({ redis: createRedisClient({ url: redis.url, role: 'probe', log }), log });
    expect(await probe.whenReady(10_000)).toBe(true);
  }, 180_000);
  afterEach(async () => {
    c.onA.closeAll();
    c.onB.closeAll();
    for (const s of anon.splice(0)) s.close();
    await expect.poll(() => c.a.app.io.of('/').sockets.size + c.b.app.io.of('/').sockets.size).toBe(0);
  });
  afterAll(async () => {
    await probe?.close();
    await c?.close();
    await redis?.dispose();
  });

  it('a person on both nodes gets one chat budget, not one per node', async () => {
    const onA = (await c.onA.open(c.aiko, c.wsId)).s;
    const onB = (await c.onB.open(c.aiko, c.wsId)).s;
    const t0 = performance.now();
    // 25 on each: below each socket's own 30, so only the person's shared 30 can refuse.
    const through = await passed([onA, onB], 25);
    expect(through).toBeGreaterThanOrEqual(CHAT.capacity);
    expect(through).toBeLessThanOrEqual(CHAT.capacity + refillDuring(performance.now() - t0));
    // Another person is unaffected.
    const ben = (await c.onB.open(c.ben, c.wsId)).s;
    expect(await passed([ben], 5)).toBe(5);
  });

  it("a person's tabs on both nodes count against one cap; closing one frees a slot on the other node", async () => {
    const tabs = [
      (await c.onA.open(c.aiko, c.wsId)).s,
      (await c.onA.open(c.aiko, c.wsId)).s,
      (await c.onB.open(c.aiko, c.wsId)).s,
      (await c.onB.open(c.aiko, c.wsId)).s,
    ];
    expect(tabs).toHaveLength(TABS);
    await expect(c.onA.open(c.aiko, c.wsId)).rejects.toBe('TOO_MANY_CONNECTIONS');
    await expect(c.onB.open(c.aiko, c.wsId)).rejects.toBe('TOO_MANY_CONNECTIONS');
    expect(await probe.held(`tabs:${c.wsId}:${c.aikoId}`, Date.now())).toBe(TABS);
    tabs[0]?.close();
    await expect.poll(() => probe.held(`tabs:${c.wsId}:${c.aikoId}`, Date.now())).toBe(TABS - 1);
    expect((await c.onB.open(c.aiko, c.wsId)).s.connected).toBe(true);
    // ben has his own cap.
    expect((await c.onA.open(c.ben, c.wsId)).s.connected).toBe(true);
  });

  it('one address gets its two connection checks across both nodes, not two per node', async () => {
    const [a1, a2, b1] = await Promise.all([
      anonymous(c.a.app.url, anon),
      anonymous(c.a.app.url, anon),
      anonymous(c.b.app.url, anon),
    ]);
    expect(await ask(a1, 'check:start')).toMatchObject({ ok: true });
    expect(await ask(b1, 'check:start')).toMatchObject({ ok: true });
    expect(await ask(a2, 'check:start')).toMatchObject({ ok: false, error: { code: 'CHECK_LIMIT' } });
    expect(await ask(a1, 'check:stop')).toMatchObject({ ok: true });
    expect(await ask(a2, 'check:start')).toMatchObject({ ok: true });
  });

  it('sign-in attempts for one account are counted across both nodes', async () => {
    // AUTH_RATE_LIMIT_PER_ACCOUNT (4 here, per 10 min): 6 tries split 3/3 would all pass on nodes counting alone.
    const tries = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 ? c.a : c.b)
          .client()
          .post('/api/auth/signin', { email: 'nobody@example.com', password: `wrong ${i}` }),
      ),
    );
    const limited = tries.filter((r) => r.status === 429);
    expect(tries.length - limited.length).toBe(SIGNINS);
    expect(limited[0]?.body).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('invitations one admin sends per hour are counted across both nodes', async () => {
    // The set-up invited ben through node a: INVITES − 1 are left, whichever node is asked.
    const aikoOnB = c.b.client(); // aiko's session, talking to node b
    for (const [k, v] of c.aiko.cookies) aikoOnB.cookies.set(k, v);
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 ? c.aiko : aikoOnB).post(`/api/workspaces/${c.wsId}/invitations`, {
          email: `guest${i}@example.com`,
          role: 'member',
        }),
      ),
    );
    expect(answers.filter((r) => r.status === 201)).toHaveLength(INVITES - 1);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(6 - (INVITES - 1));
  });

  it('Redis stopped: each node counts alone (logged once); Redis back: one shared budget again', async () => {
    await redis.stop();
    try {
      const onA = (await c.onA.open(c.ben, c.wsId)).s;
      const onB = (await c.onB.open(c.ben, c.wsId)).s;
      // Per node: 25 + 25 all pass (each node's person budget is 30); nobody is locked out.
      expect(await passed([onA, onB], 25)).toBe(50);
      const warned = c.logsA.entries.filter((e) => e.event === 'limits.redis_unavailable');
      expect(warned).toHaveLength(1);
    } finally {
      await redis.start();
    }
    c.onA.closeAll();
    c.onB.closeAll();
    // Back: the shared budget holds again (a third person, fresh in the restarted Redis).
    const chie = await c.a.joinedMember(c.aiko, c.wsId, 'chie@example.com');
    await expect
      .poll(async () => {
        await c.onA.open(chie, c.wsId);
        c.onA.closeAll();
        return c.logsA.entries.some((e) => e.event === 'limits.redis_restored');
      })
      .toBe(true);
    const onA = (await c.onA.open(chie, c.wsId)).s;
    const onB = (await c.onB.open(chie, c.wsId)).s;
    const t0 = performance.now();
    const through = await passed([onA, onB], 25);
    expect(through).toBeLessThanOrEqual(CHAT.capacity + refillDuring(performance.now() - t0) + 2);
  }, 120_000);
});

describe.skipIf(!present)('the control: two nodes without REDIS_URL count alone', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await cluster({});
  }, 180_000);
  afterAll(() => c?.close());

  it('a person on both nodes gets a budget per node (what Redis prevents); one node is unchanged', async () => {
    const onA = (await c.onA.open(c.aiko, c.wsId)).s;
    const onB = (await c.onB.open(c.aiko, c.wsId)).s;
    expect(await passed([onA, onB], 25)).toBe(50);
    // On one node the person's budget still spans their tabs (as before several nodes).
    const ben1 = (await c.onA.open(c.ben, c.wsId)).s;
    const ben2 = (await c.onA.open(c.ben, c.wsId)).s;
    const t0 = performance.now();
    const through = await passed([ben1, ben2], 25);
    expect(through).toBeGreaterThanOrEqual(CHAT.capacity);
    expect(through).toBeLessThanOrEqual(CHAT.capacity + refillDuring(performance.now() - t0));
  });
});
