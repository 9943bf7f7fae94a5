import { createHmac, randomBytes } from 'node:crypto';
import type { IceSettings } from '@tsudoi/protocol';
import type { MediaNetwork, TurnSettings } from './mediaNetworkConfig.js';

/** One TURN REST credential (draft-uberti-behave-turn-rest; coturn's `use-auth-secret`). */
export interface TurnCredential {
  /** `<expiry as unix seconds>:<userId>`: coturn refuses it after the expiry. */
  username: string;
  /** base64 HMAC-SHA1 of the username keyed with the shared secret. */
  credential: string;
  /** Unix seconds. */
  expiresAt: number;
}

/** Mints a credential for `userId` valid `ttlSeconds` from `nowMs`. The user id names who used the relay. */
export function mintTurnCredential(
  turn: Pick<TurnSettings, 'secret' | 'ttlSeconds'>,
  userId: string,
  nowMs: number,
): TurnCredential {
  const expiresAt = Math.floor(nowMs / 1000) + turn.ttlSeconds;
  const username = `${expiresAt}:${userId}`;
  const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
  return { username, credential, expiresAt };
}

/**
 * What a client's transports need for this user now: the TURN servers with a fresh credential, and
 * relay-only ICE when the node forces it. Empty without TURN (the client keeps its defaults).
 */
export function iceSettingsFor(net: MediaNetwork, userId: string, nowMs: number): IceSettings {
  if (!net.turn) return {};
  const { username, credential } = mintTurnCredential(net.turn, userId, nowMs);
  return {
    iceServers: [{ urls: [...net.turn.urls], username, credential }],
    iceTransportPolicy: net.forceRelay ? 'relay' : 'all',
  };
}

/**
 * The anonymous connection check's TURN: a credential for a random `check-…` name (the visitor may not be
 * signed in; the check's admission limits bound how many there are) that expires with the check
 * (its lifetime, at least a minute, never longer than TURN_TTL).
 */
export function checkIceSettings(net: MediaNetwork, lifetimeMs: number, nowMs: number): IceSettings {
  if (!net.turn) return {};
  const ttlSeconds = Math.min(net.turn.ttlSeconds, Math.max(60, Math.ceil(lifetimeMs / 1000)));
  const name = `check-${randomBytes(9).toString('base64url')}`;
  return iceSettingsFor({ ...net, turn: { ...net.turn, ttlSeconds } }, name, nowMs);
}
