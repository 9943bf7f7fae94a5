/**
 * The media network settings of a node (issue 14, "Reaching users behind firewalls"): the node's fixed
 * media ports (RTC_PORT) and TURN (TURN_URLS, TURN_SECRET, TURN_TTL, MEDIA_FORCE_RELAY). Read from the
 * raw environment by `loadConfig`, which adds the problems found here to its own.
 */

/** TURN REST settings: Tsudoi mints short-lived credentials that coturn checks with the shared secret. */
export interface TurnSettings {
  /** `turn:` / `turns:` URLs handed to browsers, e.g. `turns:turn.example.com:443?transport=tcp`. */
  urls: string[];
  /** coturn's `static-auth-secret` (`use-auth-secret`). */
  secret: string;
  /** How long a minted credential is valid, in seconds. */
  ttlSeconds: number;
}

export interface MediaNetwork {
  /** RTC_PORT: worker i's WebRtcServer listens on UDP and TCP `port + i`; unset = per-transport ports. */
  port: number | undefined;
  /** Undefined: no TURN (browsers reach the SFU directly or not at all). */
  turn: TurnSettings | undefined;
  /** MEDIA_FORCE_RELAY=1 (tests and diagnosis only, refused in production): clients use relay-only ICE. */
  forceRelay: boolean;
}

export const TURN_TTL_DEFAULT_SECONDS = 3600;
/** A credential lives between a minute and a day: long enough for a talk, short enough to expire soon. */
const TTL_MIN = 60;
const TTL_MAX = 86_400;
/** HMAC-SHA1 keys shorter than this are guessable offline from one captured credential. */
const SECRET_MIN = 16;

/** `turn:host[:port][?transport=udp|tcp]` or `turns:…`; host is a name, an IPv4 or a bracketed IPv6. */
const TURN_URL = /^turns?:(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?(\?transport=(udp|tcp))?$/;

const intIn = (name: string, raw: string, min: number, max: number, problems: string[]) => {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) {
    problems.push(`${name}: must be an integer ${min}–${max} (got "${raw}")`);
    return undefined;
  }
  return n;
};

/**
 * Validates the media network variables. `env` has empty values removed already; each problem is
 * pushed as `NAME: reason`.
 */
export function mediaNetworkOf(
  env: Record<string, string | undefined>,
  nodeEnv: 'development' | 'production' | 'test',
  workers: number,
  problems: string[],
): MediaNetwork {
  let port: number | undefined;
  if (env.RTC_PORT !== undefined) {
    port = intIn('RTC_PORT', env.RTC_PORT, 1, 65535, problems);
    if (port !== undefined && port + workers - 1 > 65535) {
      problems.push(
        `RTC_PORT: worker i listens on RTC_PORT + i; ${port} + ${workers - 1} (MEDIA_WORKERS − 1) is past 65535`,
      );
      port = undefined;
    }
  }

  let turn: TurnSettings | undefined;
  const urls = (env.TURN_URLS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const bad = urls.filter((u) => !TURN_URL.test(u));
  if (bad.length > 0)
    problems.push(
      `TURN_URLS: each must look like turn:host:3478?transport=tcp or turns:host:443?transport=tcp (got "${bad.join('", "')}")`,
    );
  const secret = env.TURN_SECRET;
  if (secret !== undefined && secret.length < SECRET_MIN)
    problems.push(`TURN_SECRET: must be at least ${SECRET_MIN} characters (coturn's static-auth-secret)`);
  if (urls.length > 0 && secret === undefined)
    problems.push("TURN_SECRET: required with TURN_URLS (the same value as coturn's static-auth-secret)");
  if (urls.length === 0 && secret !== undefined)
    problems.push('TURN_URLS: required with TURN_SECRET (where browsers reach the TURN server)');
  const ttlSeconds =
    env.TURN_TTL === undefined
      ? TURN_TTL_DEFAULT_SECONDS
      : intIn('TURN_TTL', env.TURN_TTL, TTL_MIN, TTL_MAX, problems);
  if (
    urls.length > 0 &&
    bad.length === 0 &&
    secret !== undefined &&
    secret.length >= SECRET_MIN &&
    ttlSeconds
  )
    turn = { urls, secret, ttlSeconds };

  const force = env.MEDIA_FORCE_RELAY;
  if (force !== undefined && force !== '0' && force !== '1')
    problems.push(`MEDIA_FORCE_RELAY: must be 0 or 1 (got "${force}")`);
  const forceRelay = force === '1';
  if (forceRelay && nodeEnv === 'production')
    problems.push(
      'MEDIA_FORCE_RELAY: not allowed with NODE_ENV=production (a test and diagnosis setting: every user would depend on TURN)',
    );
  if (forceRelay && urls.length === 0)
    problems.push(
      'MEDIA_FORCE_RELAY: needs TURN_URLS and TURN_SECRET (relay-only ICE has nothing to relay through)',
    );

  return { port, turn, forceRelay };
}
