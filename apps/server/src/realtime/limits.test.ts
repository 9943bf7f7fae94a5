import { type Ack, type ChatMessageView, PROTOCOL_VERSION } from '@tsudoi/protocol';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../testing/apiClient.js';
import { LogCapture } from '../testing/logCapture.js';
import { nextEvent, TestSockets } from '../testing/sockets.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';
import { EVENT_LIMITS } from './rateLimit.js';

/** Anonymous sockets (the pre-sign-in connection check), optionally claiming a forwarded client address. */
class AnonymousSockets {
  readonly #open: Socket[] = [];
  constructor(private readonly url: string) {}

  async open(forwardedFor?: string): Promise<Socket> {
    const s = connect(this.url, {
      auth: { protocolVersion: PROTOCOL_VERSION },
      transports: ['websocket'],
      extraHeaders: { origin: this.url, ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
      reconnection: false,
    });
    this.#open.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });
    return s;
  }

  closeAll(): void {
    for (const s of this.#open.splice(0)) s.close();
  }
}

const ask = (s: Socket, event: string, payload: unknown = {}) =>
  s.emitWithAck(event, payload) as Promise<Ack<Record<string, unknown>>>;

/** The data of a successful ack (the ids these tests read are strings). */
const data = async (s: Socket, event: string, payload: unknown = {}) => {
  const r = await ask(s, event, payload);
  if (!r.ok) throw new Error(`${event}: ${r.error.code}`);
  return r.data as Record<string, string>;
};

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

describe('client bounds with default settings (no trusted proxy)', () => {
  let t: TestApp;
  let sockets: TestSockets;
  let anon: AnonymousSockets;
  let aiko: ApiClient;
  let ben: ApiClient;
  let chie: ApiClient;
  let dai: ApiClient;
  let wsId: string;
  const logs = new LogCapture();

  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: 'warn' }, { logStream: logs });
    sockets = new TestSockets(t.app.url);
    anon = new AnonymousSockets(t.app.url);
    aiko = await t.signedInUser('aiko@example.com');
    wsId = (await aiko.post('/api/workspaces', { name: 'Limits Co' })).body.id;
    ben = await t.joinedMember(aiko, wsId, 'ben@example.com');
    chie = await t.joinedMember(aiko, wsId, 'chie@example.com');
    dai = await t.joinedMember(aiko, wsId, 'dai@example.com');
  });
  afterEach(async () => {
    sockets.closeAll();
    anon.closeAll();
    // Each test starts with every slot free again.
    await expect.poll(() => t.app.io.of('/').sockets.size).toBe(0);
  });
  afterAll(() => t?.close());

  it('40 anonymous checks from one address get at most 2, whatever X-Forwarded-For they claim', async () => {
    const all = await Promise.all(Array.from({ length: 40 }, (_, i) => anon.open(`198.51.100.${i + 1}`)));
    const answers = await Promise.all(all.map((s) => ask(s, 'check:start')));
    const admitted = answers.filter((a) => a.ok);
    expect(admitted).toHaveLength(2);
    const refused = answers.filter((a) => !a.ok);
    expect(refused).toHaveLength(38);
    for (const r of refused) {
      expect(r).toMatchObject({ ok: false, error: { code: 'CHECK_LIMIT' } });
      expect(r.ok || r.error.retryAfter).toBeGreaterThan(0);
    }
    // The SFU holds exactly the admitted checks' routers.
    const routers = () => t.app.pool.load.reduce((n, l) => n + l.routers, 0);
    expect(routers()).toBe(2);
    // Each refusal is a security event with the real peer address; the claimed ones appear nowhere.
    const events = logs.events('security.check_refused');
    expect(events).toHaveLength(38);
    expect(new Set(events.map((e) => e.ip))).toEqual(new Set(['127.0.0.1']));
    expect(events[0]).toMatchObject({ code: 'CHECK_LIMIT', reason: 'perIp' });
    expect(logs.text()).not.toContain('198.51.100.');

    // Closing an admitted check's socket frees its slot at once.
    const holder = all[answers.findIndex((a) => a.ok)]!;
    const before = t.app.io.of('/').sockets.size;
    holder.close();
    await expect.poll(() => t.app.io.of('/').sockets.size).toBe(before - 1);
    expect(routers()).toBe(1);
    const again = await ask(await anon.open('203.0.113.9'), 'check:start');
    expect(again).toMatchObject({ ok: true });
  });

  it('a repeated check on one socket replaces the previous one (no slot leaks)', async () => {
    const s = await anon.open();
    for (let i = 0; i < 3; i++) expect(await ask(s, 'check:start')).toMatchObject({ ok: true });
    expect(t.app.pool.load.reduce((n, l) => n + l.routers, 0)).toBe(1);
  });

  it("a person's 11th socket for a workspace is refused; other people and other tabs go on", async () => {
    const tabs = [];
    for (let i = 0; i < 10; i++) tabs.push((await sockets.open(ben, wsId)).s);
    await expect(sockets.open(ben, wsId)).rejects.toBe('TOO_MANY_CONNECTIONS');
    expect(logs.events('security.handshake_refused').at(-1)).toMatchObject({
      workspaceId: wsId,
      code: 'TOO_MANY_CONNECTIONS',
    });
    // Another user is unaffected, and Ben's open tabs still work.
    const c = (await sockets.open(chie, wsId)).s;
    expect(await ask(c, 'ping')).toMatchObject({ ok: true });
    expect(await ask(tabs[0]!, 'ping')).toMatchObject({ ok: true });

    // Closing a tab frees a slot.
    const before = t.app.io.of('/').sockets.size;
    tabs[9]!.close();
    await expect.poll(() => t.app.io.of('/').sockets.size).toBe(before - 1);
    await expect(sockets.open(ben, wsId)).resolves.toHaveProperty('snapshot');
  });

  it('a media peer gets one transport per direction and one producer per source', async () => {
    const a = (await sockets.open(aiko, wsId)).s;
    const roomId = (await data(a, 'room:create', { name: 'Media' })).id;
    expect(await ask(a, 'room:join', { roomId })).toMatchObject({ ok: true });
    expect(await ask(a, 'media:join')).toMatchObject({ ok: true });
    const send = await ask(a, 'media:createTransport', { direction: 'send' });
    expect(await ask(a, 'media:createTransport', { direction: 'recv' })).toMatchObject({ ok: true });
    expect(await ask(a, 'media:createTransport', { direction: 'send' })).toMatchObject({
      ok: false,
      error: { code: 'MEDIA_LIMIT' },
    });
    // Two at once for the same direction: the second is refused while the first is still being made.
    expect(await ask(a, 'media:join')).toMatchObject({ ok: true });
    const racing = await Promise.all([
      ask(a, 'media:createTransport', { direction: 'send' }),
      ask(a, 'media:createTransport', { direction: 'send' }),
    ]);
    expect(racing.map((r) => (r.ok ? 'ok' : r.error.code)).sort()).toEqual(['MEDIA_LIMIT', 'ok']);
    const won = racing.find((r) => r.ok);
    const sendId = won?.ok ? String(won.data.id) : '';

    const mic = {
      transportId: sendId,
      kind: 'audio',
      source: 'mic',
      rtpParameters: {
        mid: '0',
        codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {} }],
        headerExtensions: [],
        encodings: [{ ssrc: 1234 }],
        rtcp: { cname: 'a' },
      },
    };
    const first = await data(a, 'media:produce', mic);
    expect(await ask(a, 'media:produce', mic)).toMatchObject({ ok: false, error: { code: 'MEDIA_LIMIT' } });
    expect(await ask(a, 'media:closeProducer', { producerId: first.producerId })).toMatchObject({
      ok: true,
    });
    expect(await ask(a, 'media:produce', mic)).toMatchObject({ ok: true });
    expect(send).toMatchObject({ ok: true });
    expect(t.app.media.stats()).toMatchObject({ transports: 1, producers: 1 });
  });

  it('every event class is limited per socket: floor, media, check', async () => {
    // How many of a burst were refused by the limit (a few tokens may come back while it runs).
    const burst = async (s: Socket, event: string, n: number, payload: unknown = {}) => {
      const codes = (await Promise.all(Array.from({ length: n }, () => ask(s, event, payload)))).map((r) =>
        r.ok ? 'ok' : r.error.code,
      );
      return codes.filter((c) => c === 'RATE_LIMITED').length;
    };
    const a = (await sockets.open(aiko, wsId)).s;
    const floor = await burst(a, 'presence:set', EVENT_LIMITS.floor.capacity + 5, { status: 'busy' });
    expect(floor).toBeGreaterThan(0);
    expect(floor).toBeLessThanOrEqual(5);
    // media refills 50 a second: overshoot by more than a slow machine's burst lets back in.
    const media = await burst(a, 'media:pauseConsumer', EVENT_LIMITS.media.capacity + 60, {
      consumerId: 'x',
    });
    expect(media).toBeGreaterThan(0);
    expect(media).toBeLessThanOrEqual(60);
    // Refused by the limit, not by the handler: the same socket's other classes still answer.
    expect(await ask(a, 'ping')).toMatchObject({ ok: true });
    const check = await burst(await anon.open(), 'check:stats', EVENT_LIMITS.check.capacity + 5);
    expect(check).toBeGreaterThan(0);
    expect(check).toBeLessThanOrEqual(5);
  });

  it('a flood of 2,000 chat events in 2 s is neither stored nor fanned out beyond the limit; others stay fast', async () => {
    const flooder = (await sockets.open(aiko, wsId)).s;
    const member = (await sockets.open(ben, wsId)).s;
    const pinger = (await sockets.open(chie, wsId)).s;
    const listener = (await sockets.open(dai, wsId)).s;
    const roomId = (await data(flooder, 'room:create', { name: 'Flood' })).id;
    const quiet = (await data(flooder, 'room:create', { name: 'Quiet' })).id;
    await ask(flooder, 'room:join', { roomId });
    await ask(member, 'room:join', { roomId });
    await ask(pinger, 'room:join', { roomId: quiet });
    await ask(listener, 'room:join', { roomId: quiet });
    const fromFlooder: ChatMessageView[] = [];
    member.on('chat:message', (m: ChatMessageView) => {
      if (m.text.startsWith('flood ')) fromFlooder.push(m);
    });

    const pingOnce = async () => {
      const at = performance.now();
      await ask(pinger, 'ping');
      return performance.now() - at;
    };
    const baseline: number[] = [];
    for (let i = 0; i < 20; i++) baseline.push(await pingOnce());

    // The other users' view while the flood runs: ping round trips, and a chat message's trip to another person.
    const pings: number[] = [];
    const chats: number[] = [];
    let flooding = true;
    const measure = (async () => {
      let n = 0;
      while (flooding) {
        pings.push(await pingOnce());
        if (n++ % 4 === 0) {
          const text = `quiet ${n}`;
          const at = performance.now();
          const got = nextEvent<ChatMessageView>(listener, 'chat:message', (m) => m.text === text);
          await ask(pinger, 'chat:send', { to: { kind: 'room', roomId: quiet }, text });
          await got;
          chats.push(performance.now() - at);
        }
        // Paced like a busy client (10 pings a second), within its own limit.
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    const acks = { ok: 0, limited: 0, other: 0 };
    let disconnectedAt: number | undefined;
    flooder.on('disconnect', (reason: string) => {
      if (reason === 'io server disconnect') disconnectedAt = performance.now();
    });
    const started = performance.now();
    let lastAck = started;
    let sent = 0;
    // Every event answered, or the server dropped the flooder (the rest are never sent).
    let allAnswered = () => {};
    const answered = new Promise<void>((resolve) => {
      allAnswered = resolve;
      flooder.on('disconnect', () => resolve());
    });
    const onAck = (r: Ack<unknown>) => {
      lastAck = performance.now();
      if (r.ok) acks.ok++;
      else if (r.error.code === 'RATE_LIMITED') acks.limited++;
      else acks.other++;
      if (acks.ok + acks.limited + acks.other === 2_000) allAnswered();
    };
    // 20 bursts of 100, one every 100 ms: 2,000 events in 2 s.
    const emitted = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        for (let i = 0; i < 100 && sent < 2_000; i++, sent++)
          flooder.emit('chat:send', { to: { kind: 'room', roomId }, text: `flood ${sent}` }, onAck);
        if (sent < 2_000) return;
        clearInterval(timer);
        resolve();
      }, 100);
    });
    await emitted;
    await answered;
    const elapsedS = (lastAck - started) / 1000;
    flooding = false;
    await measure;

    const stored = (
      t.app.store as unknown as { db: { prepare(sql: string): { get(...a: unknown[]): { n: number } } } }
    ).db
      .prepare("SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ? AND text LIKE 'flood %'")
      .get(roomId).n;
    const allowance = EVENT_LIMITS.chat.capacity + Math.ceil(EVENT_LIMITS.chat.perSecond * elapsedS);
    // Everything stored reaches the other member, nothing more.
    await expect.poll(() => fromFlooder.length).toBe(stored);
    const figures = {
      accepted: acks.ok,
      rateLimited: acks.limited,
      otherErrors: acks.other,
      stored,
      fannedOut: fromFlooder.length,
      allowance,
      floodSeconds: Number(elapsedS.toFixed(2)),
      disconnectedAfterMs: disconnectedAt === undefined ? null : Math.round(disconnectedAt - started),
      pingBaselineMs: { p50: percentile(baseline, 50), p95: percentile(baseline, 95) },
      pingDuringFloodMs: {
        n: pings.length,
        p50: percentile(pings, 50),
        p95: percentile(pings, 95),
        max: Math.max(...pings),
      },
      chatTripDuringFloodMs: { n: chats.length, p50: percentile(chats, 50), max: Math.max(...chats) },
    };
    console.log('flood figures', JSON.stringify(figures));

    expect(acks.ok).toBe(stored);
    expect(stored).toBeLessThanOrEqual(allowance);
    expect(stored).toBeGreaterThanOrEqual(EVENT_LIMITS.chat.capacity);
    expect(acks.limited).toBeGreaterThan(0);
    expect(acks.other).toBe(0);
    // A socket that floods on after being refused is dropped (documented in rateLimit.ts).
    expect(disconnectedAt).toBeDefined();
    // Recorded once when the limit began to bite and once when the socket was dropped, not per event.
    const limited = logs.events('security.rate_limited').filter((e) => e.socketEvent === 'chat:send');
    expect(limited.map((e) => e.disconnected)).toEqual([false, true]);
    // Product promise: other people notice nothing (p95 well under half a second).
    expect(pings.length).toBeGreaterThan(5);
    expect(percentile(pings, 95)).toBeLessThan(500);
    expect(Math.max(...chats)).toBeLessThan(500);
  });
});

describe('connection checks behind a trusted proxy, with a small server-wide cap and a short lifetime', () => {
  let t: TestApp;
  let anon: AnonymousSockets;

  beforeAll(async () => {
    t = await startTestApp({
      TRUST_PROXY: '127.0.0.1,::1',
      CHECK_MAX_PER_IP: '1',
      CHECK_MAX_TOTAL: '3',
      CHECK_LIFETIME_MS: '3000',
    });
    anon = new AnonymousSockets(t.app.url);
  });
  afterEach(async () => {
    anon.closeAll();
    await expect.poll(() => t.app.io.of('/').sockets.size).toBe(0);
  });
  afterAll(() => t?.close());

  it('counts the forwarded client address, and caps checks server-wide', async () => {
    const first = await anon.open('192.0.2.1');
    expect(await ask(first, 'check:start')).toMatchObject({ ok: true });
    // The same client (through the proxy) may not hold two.
    expect(await ask(await anon.open('192.0.2.1'), 'check:start')).toMatchObject({
      ok: false,
      error: { code: 'CHECK_LIMIT' },
    });
    expect(await ask(await anon.open('192.0.2.2'), 'check:start')).toMatchObject({ ok: true });
    expect(await ask(await anon.open('192.0.2.3'), 'check:start')).toMatchObject({ ok: true });
    const busy = await ask(await anon.open('192.0.2.4'), 'check:start');
    expect(busy).toMatchObject({ ok: false, error: { code: 'CHECK_BUSY' } });
    expect(busy.ok || busy.error.retryAfter).toBeGreaterThan(0);
  });

  it('closes a check after its lifetime, tells the client, and frees the slot', async () => {
    const s = await anon.open('192.0.2.10');
    const closed = nextEvent<{ reason: string }>(s, 'check:closed');
    const startedAt = performance.now();
    expect(await ask(s, 'check:start')).toMatchObject({ ok: true });
    expect(await ask(await anon.open('192.0.2.10'), 'check:start')).toMatchObject({
      ok: false,
      error: { code: 'CHECK_LIMIT' },
    });
    expect(await closed).toEqual({ reason: 'expired' });
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(2_900);
    expect(await ask(s, 'check:stats')).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(t.app.pool.load.reduce((n, l) => n + l.routers, 0)).toBe(0);
    expect(await ask(await anon.open('192.0.2.10'), 'check:start')).toMatchObject({ ok: true });
  });
});
