import { type Ack, PROTOCOL_VERSION } from '@tsudoi/protocol';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../testing/apiClient.js';
import { TestSockets } from '../testing/sockets.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';
import { PERSON_LIMITS } from './rateLimit.js';

const ask = (s: Socket, event: string, payload: unknown = {}) =>
  s.emitWithAck(event, payload) as Promise<Ack<Record<string, unknown>>>;

/** Opens an anonymous socket claiming `forwardedFor`; resolves with it, or rejects with the refusal's data. */
function anonymous(url: string, open: Socket[], forwardedFor?: string, localAddress?: string) {
  const s = connect(url, {
    ...(localAddress ? { localAddress } : {}),
    auth: { protocolVersion: PROTOCOL_VERSION },
    transports: ['websocket'],
    extraHeaders: { origin: url, ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
    reconnection: false,
  });
  open.push(s);
  return new Promise<Socket>((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', (err: Error & { data?: unknown }) => reject(err.data ?? err.message));
  });
}

/** Waits until the server has dropped a socket the client closed (its slot is free again). */
const closed = async (t: TestApp, s: Socket) => {
  const id = s.id;
  s.close();
  await expect.poll(() => (id ? t.app.io.of('/').sockets.has(id) : false)).toBe(false);
};

describe('reconnecting does not refill budgets; handshakes and anonymous sockets are bounded', () => {
  let t: TestApp;
  let sockets: TestSockets;
  const anon: Socket[] = [];
  let aiko: ApiClient;
  let ben: ApiClient;
  let chie: ApiClient;
  let wsId: string;
  let roomId: string;

  beforeAll(async () => {
    t = await startTestApp({ HANDSHAKES_PER_IP_PER_MINUTE: '1000', ANON_SOCKETS_PER_IP_MAX: '10' });
    sockets = new TestSockets(t.app.url);
    aiko = await t.signedInUser('aiko@example.com');
    wsId = (await aiko.post('/api/workspaces', { name: 'Reconnect Co' })).body.id;
    ben = await t.joinedMember(aiko, wsId, 'ben@example.com');
    chie = await t.joinedMember(aiko, wsId, 'chie@example.com');
    const a = (await sockets.open(aiko, wsId)).s;
    const r = await ask(a, 'room:create', { name: 'Talk' });
    roomId = r.ok ? String(r.data.id) : '';
    sockets.closeAll();
  });
  afterEach(async () => {
    sockets.closeAll();
    for (const s of anon.splice(0)) s.close();
    await expect.poll(() => t.app.io.of('/').sockets.size).toBe(0);
  });
  afterAll(() => t?.close());

  const messages = () =>
    (t.app.store as unknown as { db: { prepare(sql: string): { get(...a: unknown[]): { n: number } } } }).db
      .prepare('SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ?')
      .get(roomId).n;
  const send = (s: Socket, text: string) => ask(s, 'chat:send', { to: { kind: 'room', roomId }, text });

  it("a reconnect does not refill the person's chat budget; another person is unaffected", async () => {
    const first = (await sockets.open(aiko, wsId)).s;
    await ask(first, 'room:join', { roomId });
    const burst = await Promise.all(
      Array.from({ length: PERSON_LIMITS.chat!.capacity }, (_, i) => send(first, `burst ${i}`)),
    );
    expect(burst.every((r) => r.ok)).toBe(true);
    const spentAt = performance.now();
    await closed(t, first);
    const again = (await sockets.open(aiko, wsId)).s;
    // A second full burst on the new socket: only what the bucket refilled since the first one goes through
    // (3 a second; a busy machine's slow reconnect refills a few), never the fresh budget a reset would give.
    const after = await Promise.all(
      Array.from({ length: PERSON_LIMITS.chat!.capacity }, (_, i) => send(again, `after reconnect ${i}`)),
    );
    const refilled = Math.ceil(((performance.now() - spentAt) / 1000) * PERSON_LIMITS.chat!.perSecond);
    const accepted = after.filter((r) => r.ok).length;
    expect(accepted).toBeLessThanOrEqual(Math.min(refilled, PERSON_LIMITS.chat!.capacity - 1));
    const refused = after.find((r) => !r.ok);
    expect(refused).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(refused && !refused.ok && refused.error.retryAfter).toBeGreaterThan(0);
    // Chie's budget is her own.
    const c = (await sockets.open(chie, wsId)).s;
    await ask(c, 'room:join', { roomId });
    expect(await send(c, 'hello from chie')).toMatchObject({ ok: true });
  });

  it('a flooder reconnecting 20 times in 2 s stores no more than the per-person allowance', async () => {
    const before = messages();
    const startedAt = performance.now();
    for (let i = 0; i < 20; i++) {
      const s = (await sockets.open(ben, wsId)).s;
      if (i === 0) await ask(s, 'room:join', { roomId });
      await Promise.all(Array.from({ length: 20 }, (_, j) => send(s, `flood ${i}.${j}`)));
      await closed(t, s);
    }
    const seconds = (performance.now() - startedAt) / 1000;
    const spec = PERSON_LIMITS.chat!;
    const stored = messages() - before;
    console.log(
      'reconnect flood',
      JSON.stringify({ seconds: Number(seconds.toFixed(2)), stored, tried: 400 }),
    );
    expect(stored).toBeGreaterThanOrEqual(spec.capacity);
    expect(stored).toBeLessThanOrEqual(spec.capacity + Math.ceil(spec.perSecond * seconds));
  });

  it("a person's handshakes are limited per minute (TOO_MANY_CONNECTIONS + retryAfter); others go on", async () => {
    // 30 a minute: earlier tests here used some of Chie's; open/close until refused.
    let refusal: unknown;
    for (let i = 0; i < 40 && refusal === undefined; i++) {
      try {
        await closed(t, (await sockets.open(chie, wsId)).s);
      } catch (code) {
        refusal = code;
      }
    }
    expect(refusal).toBe('TOO_MANY_CONNECTIONS');
    // The refusal says when to try again (what a browser receives as connect_error data).
    const raw = connect(t.app.url, {
      auth: { protocolVersion: PROTOCOL_VERSION, workspaceId: wsId },
      transports: ['websocket'],
      extraHeaders: {
        origin: t.app.url,
        cookie: [...chie.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
      reconnection: false,
    });
    anon.push(raw);
    const data = await new Promise((resolve) =>
      raw.once('connect_error', (err: Error & { data?: unknown }) => resolve(err.data)),
    );
    expect(data).toMatchObject({ code: 'TOO_MANY_CONNECTIONS', retryAfter: expect.any(Number) });
    // Aiko is unaffected.
    expect(await ask((await sockets.open(aiko, wsId)).s, 'ping')).toMatchObject({ ok: true });
  });

  it('the 11th anonymous socket from one address is refused whatever X-Forwarded-For claims; another address is fine; closing frees a slot', async () => {
    const held = [];
    for (let i = 0; i < 10; i++) held.push(await anonymous(t.app.url, anon, `198.51.100.${i + 1}`));
    await expect(anonymous(t.app.url, anon, '198.51.100.77')).rejects.toMatchObject({
      code: 'TOO_MANY_CONNECTIONS',
    });
    await expect(anonymous(t.app.url, anon)).rejects.toMatchObject({ code: 'TOO_MANY_CONNECTIONS' });
    // Another client address (the TCP peer 127.0.0.2) still gets one.
    const other = await anonymous(t.app.url, anon, undefined, '127.0.0.2');
    expect(other).toHaveProperty('connected', true);
    // Signed-in sockets are counted per person, not here.
    expect(await ask((await sockets.open(aiko, wsId)).s, 'ping')).toMatchObject({ ok: true });
    await closed(t, held[0]!);
    await expect(anonymous(t.app.url, anon)).resolves.toHaveProperty('connected', true);
  });
});

describe('handshakes per client address (TRUST_PROXY: the forwarded address counts)', () => {
  let t: TestApp;
  const anon: Socket[] = [];

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: '127.0.0.1', HANDSHAKES_PER_IP_PER_MINUTE: '5' });
  });
  afterAll(async () => {
    for (const s of anon.splice(0)) s.close();
    await t?.close();
  });

  it('the 6th handshake in a minute from one address is refused with retryAfter; another address is fine', async () => {
    for (let i = 0; i < 5; i++) await closed(t, await anonymous(t.app.url, anon, '192.0.2.1'));
    await expect(anonymous(t.app.url, anon, '192.0.2.1')).rejects.toMatchObject({
      code: 'TOO_MANY_CONNECTIONS',
      retryAfter: expect.any(Number),
    });
    await expect(anonymous(t.app.url, anon, '192.0.2.2')).resolves.toHaveProperty('connected', true);
  });
});
