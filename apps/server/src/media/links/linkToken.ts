import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { MasterKeyring } from '../../crypto/masterKey.js';

/**
 * How one node proves to another that it is one of the cluster's nodes when it opens a media link
 * (docs/SCALING.md "A room bigger than one node"): every node holds the same master key (R19: it must,
 * to read the shared store), so a key derived from it signs a short-lived token naming both nodes and the
 * room. Nothing new to configure and nothing a browser could hold. During a master key rotation a token
 * signed with either the current or a previous key is accepted (nodes roll one at a time).
 */

/** A token is good this long after it was minted (clock skew between nodes included). */
export const LINK_TOKEN_LIFETIME_MS = 60_000;

/** The keys a node signs (first) and accepts (all) link tokens with. */
export interface LinkKeys {
  sign: Buffer;
  accept: readonly Buffer[];
}

const derive = (masterKey: Buffer) =>
  Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'tsudoi media link v1', 32));

export function linkKeysOf(keyring: MasterKeyring): LinkKeys {
  const sign = derive(keyring.current.key);
  return { sign, accept: [sign, ...keyring.previous.map((k) => derive(k.key))] };
}

/** What a token vouches for: node `from` links room `roomKey` with node `to`. */
export interface LinkClaim {
  from: string;
  to: string;
  roomKey: string;
}

const mac = (key: Buffer, claim: LinkClaim, issuedAt: number) =>
  createHmac('sha256', key)
    .update(JSON.stringify([claim.from, claim.to, claim.roomKey, issuedAt]))
    .digest('base64url');

export function mintLinkToken(keys: LinkKeys, claim: LinkClaim, now: number): string {
  return `${now}.${mac(keys.sign, claim, now)}`;
}

/** True when `token` was minted for exactly this claim by a holder of an accepted key, and is fresh. */
export function verifyLinkToken(keys: LinkKeys, claim: LinkClaim, token: unknown, now: number): boolean {
  if (typeof token !== 'string' || token.length > 200) return false;
  const [at, sig] = token.split('.');
  const issuedAt = Number(at);
  if (!sig || !Number.isSafeInteger(issuedAt)) return false;
  if (Math.abs(now - issuedAt) > LINK_TOKEN_LIFETIME_MS) return false;
  const given = Buffer.from(sig);
  return keys.accept.some((key) => {
    const want = Buffer.from(mac(key, claim, issuedAt));
    return want.length === given.length && timingSafeEqual(want, given);
  });
}
