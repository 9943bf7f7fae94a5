import { describe, expect, it } from 'vitest';
import {
  EVENT_LIMITS,
  eventClassOf,
  PERSON_LIMITS,
  PersonRateLimits,
  SocketRateLimiter,
  TokenBucket,
  type Verdict,
} from './rateLimit.js';
import { HandshakeRate } from './socketCap.js';

describe('TokenBucket', () => {
  it('allows the burst, then refuses with the wait until the next token', () => {
    const b = new TokenBucket({ capacity: 3, perSecond: 2 }, 1_000);
    expect([b.take(1_000), b.take(1_000), b.take(1_000)]).toEqual([0, 0, 0]);
    expect(b.take(1_000)).toBe(500);
    // Half a token has come back after 250 ms: 250 ms more to wait.
    expect(b.take(1_250)).toBe(250);
    expect(b.take(1_500)).toBe(0);
    expect(b.take(1_500)).toBe(500);
  });

  it('refills to capacity and no further', () => {
    const b = new TokenBucket({ capacity: 2, perSecond: 10 }, 0);
    b.take(0);
    b.take(0);
    const later = 60_000;
    expect([b.take(later), b.take(later), b.take(later)]).toEqual([0, 0, 100]);
  });

  it('a clock stepping back neither mints tokens nor blocks forever', () => {
    const b = new TokenBucket({ capacity: 1, perSecond: 1 }, 10_000);
    expect(b.take(10_000)).toBe(0);
    expect(b.take(5_000)).toBe(1_000);
    expect(b.take(11_000)).toBe(0);
  });
});

describe('eventClassOf', () => {
  it('groups the protocol events by what they cost', () => {
    expect(['chat:send', 'chat:history', 'thread:open', 'thread:read'].map(eventClassOf)).toEqual(
      Array(4).fill('chat'),
    );
    expect(['room:join', 'presence:set', 'knock:request', 'oneOnOne:invite'].map(eventClassOf)).toEqual(
      Array(4).fill('floor'),
    );
    expect(['media:join', 'media:createTransport', 'media:produce'].map(eventClassOf)).toEqual(
      Array(3).fill('mediaSetup'),
    );
    expect(['media:resumeConsumer', 'media:setConsumerLayers'].map(eventClassOf)).toEqual(['media', 'media']);
    expect(['check:start', 'check:stats'].map(eventClassOf)).toEqual(['check', 'check']);
    expect(['ping', 'whatever', ':x'].map(eventClassOf)).toEqual(['other', 'other', 'other']);
  });
});

/** A verdict that must be there at once (one node: no Promise). */
function sync(v: Verdict | Promise<Verdict>): Verdict {
  if (v instanceof Promise) throw new Error('expected a synchronous verdict on one node');
  return v;
}

describe('SocketRateLimiter', () => {
  const clock = (start = 0) => {
    let t = start;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it('limits each class by its own bucket; another class is unaffected', () => {
    const c = clock();
    const l = new SocketRateLimiter(c.now);
    const chat = EVENT_LIMITS.chat.capacity;
    for (let i = 0; i < chat; i++) expect(l.check('chat:send')).toEqual({ ok: true });
    const refused = sync(l.check('chat:send'));
    expect(refused).toMatchObject({ ok: false, eventClass: 'chat', first: true, disconnect: false });
    expect(refused.ok || refused.retryAfterMs).toBe(Math.ceil(1000 / EVENT_LIMITS.chat.perSecond));
    expect(l.check('thread:read')).toMatchObject({ ok: false, first: false });
    expect(l.check('room:join')).toEqual({ ok: true });
    expect(l.check('ping')).toEqual({ ok: true });
    c.advance(1000);
    expect(l.check('chat:send')).toEqual({ ok: true });
    // A trickle of allowed events inside a flood does not start a new episode...
    for (let i = 1; i < EVENT_LIMITS.chat.perSecond; i++) l.check('chat:send');
    expect(l.check('chat:send')).toMatchObject({ ok: false, first: false });
    // ...a minute without refusals does (reported once more).
    c.advance(60_000);
    for (let i = 0; i < EVENT_LIMITS.chat.capacity; i++) l.check('chat:send');
    expect(l.check('chat:send')).toMatchObject({ ok: false, first: true });
  });

  it('disconnects a socket that keeps flooding after being refused', () => {
    const c = clock();
    const l = new SocketRateLimiter(c.now, EVENT_LIMITS, { capacity: 5, perSecond: 1 });
    for (let i = 0; i < EVENT_LIMITS.floor.capacity; i++) l.check('room:join');
    const verdicts = Array.from({ length: 6 }, () => sync(l.check('room:join')));
    expect(verdicts.map((v) => !v.ok && v.disconnect)).toEqual([false, false, false, false, false, true]);
    // A client that backs off when refused is never disconnected.
    const polite = new SocketRateLimiter(c.now);
    for (let i = 0; i < 2_000; i++) {
      const v = sync(polite.check('room:join'));
      expect(!v.ok && v.disconnect).toBe(false);
      if (!v.ok) c.advance(v.retryAfterMs);
    }
  });
});

describe('SocketRateLimiter with a shared budget elsewhere (several nodes)', () => {
  it('keeps a socket’s events in their order although the shared answers come back out of order', async () => {
    const answers: Array<(wait: number) => void> = [];
    const l = new SocketRateLimiter(
      () => 0,
      EVENT_LIMITS,
      undefined,
      (cls) => (cls === 'chat' ? new Promise<number>((resolve) => answers.push(resolve)) : 0),
    );
    const order: string[] = [];
    const run = (name: string, event: string) =>
      Promise.resolve(l.check(event)).then((v) => order.push(`${name}:${v.ok}`));
    const all = Promise.all([
      run('a', 'chat:send'),
      run('b', 'chat:send'),
      run('c', 'ping'), // no shared budget, but after a and b
    ]);
    answers[1]?.(500); // b's answer (refused) arrives first
    answers[0]?.(0);
    await all;
    expect(order).toEqual(['a:true', 'b:false', 'c:true']);
    // Nothing pending any more: the next unshared event is decided at once again.
    await Promise.resolve();
    expect(l.check('ping')).toEqual({ ok: true });
  });
});

describe('PersonRateLimits', () => {
  it("is shared by a person's sockets (a new socket does not refill it) and by nobody else", () => {
    let now = 0;
    const people = new PersonRateLimits();
    const socketOf = (user: string) =>
      new SocketRateLimiter(
        () => now,
        EVENT_LIMITS,
        undefined,
        (cls, at) => people.take('ws', user, cls, at),
      );
    const first = socketOf('u1');
    for (let i = 0; i < PERSON_LIMITS.chat!.capacity; i++)
      expect(first.check('chat:send')).toEqual({ ok: true });
    const second = socketOf('u1');
    expect(second.check('chat:send')).toMatchObject({ ok: false, eventClass: 'chat' });
    // Classes without a person budget, and other people, are unaffected.
    expect(second.check('ping')).toEqual({ ok: true });
    expect(socketOf('u2').check('chat:send')).toEqual({ ok: true });
    now += 1_000;
    expect(second.check('chat:send')).toEqual({ ok: true });
  });

  it('forgets a person only once their buckets are full again (memory bounded, no early refill)', () => {
    const people = new PersonRateLimits(PERSON_LIMITS, 0);
    for (let i = 0; i < 1_000; i++) people.take('ws', `u${i}`, 'chat', 0);
    expect(people.size).toBe(1_000);
    // Drained at 30 s: still remembered a minute after the others were forgotten.
    for (let i = 0; i < 30; i++) people.take('ws', 'busy', 'chat', 30_000);
    people.take('ws', 'other', 'floor', 60_000);
    expect(people.size).toBe(2);
    expect(people.take('ws', 'busy', 'chat', 60_000)).toBe(0);
  });
});

describe('HandshakeRate', () => {
  it('allows perMinute at once, then one per 60/perMinute s; keys apart; idle keys forgotten', () => {
    let now = 0;
    const rate = new HandshakeRate(30, () => now);
    for (let i = 0; i < 30; i++) expect(rate.take('a')).toBe(0);
    expect(rate.take('a')).toBe(2_000);
    expect(rate.take('b')).toBe(0);
    now = 2_000;
    expect(rate.take('a')).toBe(0);
    now = 70_000;
    rate.take('c');
    expect(rate.size).toBe(1);
  });
});
