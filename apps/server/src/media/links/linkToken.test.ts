import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LINK_TOKEN_LIFETIME_MS, linkKeysOf, mintLinkToken, verifyLinkToken } from './linkToken.js';

const key = (b: Buffer) => ({ id: b.toString('hex').slice(0, 8), key: b });
const ring = (current: Buffer, ...previous: Buffer[]) => ({
  current: key(current),
  previous: previous.map(key),
  developmentDefault: false,
});
const claim = { from: 'node-b', to: 'node-a', roomKey: 'ws1:room1' };
const now = Date.UTC(2026, 11, 2, 9);

describe('media link tokens', () => {
  const master = randomBytes(32);
  const keys = linkKeysOf(ring(master));

  it('a node holding the same master key is accepted for exactly the claim it signed', () => {
    const token = mintLinkToken(keys, claim, now);
    expect(verifyLinkToken(linkKeysOf(ring(master)), claim, token, now + 1_000)).toBe(true);
    expect(verifyLinkToken(keys, { ...claim, roomKey: 'ws2:room1' }, token, now)).toBe(false);
    expect(verifyLinkToken(keys, { ...claim, from: 'node-c' }, token, now)).toBe(false);
    expect(verifyLinkToken(keys, { ...claim, to: 'node-c' }, token, now)).toBe(false);
  });

  it('another master key, a stale or future token, or garbage is refused', () => {
    const token = mintLinkToken(keys, claim, now);
    expect(verifyLinkToken(linkKeysOf(ring(randomBytes(32))), claim, token, now)).toBe(false);
    expect(verifyLinkToken(keys, claim, token, now + LINK_TOKEN_LIFETIME_MS + 1)).toBe(false);
    expect(verifyLinkToken(keys, claim, token, now - LINK_TOKEN_LIFETIME_MS - 1)).toBe(false);
    for (const bad of [undefined, 42, '', 'x.y', `${now}.`, `${now}.${'A'.repeat(300)}`])
      expect(verifyLinkToken(keys, claim, bad, now)).toBe(false);
    const [at, sig = ''] = token.split('.');
    expect(verifyLinkToken(keys, claim, `${Number(at) + 1}.${sig}`, now)).toBe(false);
  });

  it('during a rotation a node still on the previous key is accepted by one on the new key', () => {
    const next = randomBytes(32);
    const old = mintLinkToken(linkKeysOf(ring(master)), claim, now);
    expect(verifyLinkToken(linkKeysOf(ring(next, master)), claim, old, now)).toBe(true);
    expect(verifyLinkToken(linkKeysOf(ring(next)), claim, old, now)).toBe(false);
  });
});
