import { Redis, type RedisOptions } from 'ioredis';

/**
 * The one way Tsudoi makes Redis clients (R23, several nodes): lazy connect, every key under `tsudoi:`,
 * reconnection with a bounded back-off (so a node recovers by itself when Redis returns), commands that
 * fail fast instead of queueing for ever, and connection errors logged (once per outage), never thrown
 * as unhandled 'error' events. Close with {@link closeRedis}.
 */

/** Every key Tsudoi writes starts with this (one Redis may serve other applications too). */
export const REDIS_KEY_PREFIX = 'tsudoi:';

/** pino-compatible subset (fastify's `app.log` fits). */
export interface RedisLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface RedisClientOptions {
  /** REDIS_URL. */
  url: string;
  /** What this connection is for (`limits`, `adapter`, …): named in logs and in `CLIENT LIST`. */
  role: string;
  log: RedisLogger;
  /** A command that gets no answer in this time fails (default 2 s); undefined keeps ioredis' default. */
  commandTimeoutMs?: number;
  /** Longest wait between reconnection attempts (default 2 s). */
  maxReconnectDelayMs?: number;
  /** Other ioredis options (e.g. `maxRetriesPerRequest: null` for blocking stream reads). */
  extra?: Partial<RedisOptions>;
}

/** Reconnection back-off: 100 ms, 200 ms, … capped; never gives up (Redis coming back heals the node). */
export function reconnectDelayMs(attempt: number, capMs = 2_000): number {
  return Math.min(100 * Math.max(1, attempt), capMs);
}

/** A Redis client that is not connected until its first command. */
export function createRedisClient(options: RedisClientOptions): Redis {
  const { url, role, log } = options;
  const cap = options.maxReconnectDelayMs ?? 2_000;
  const client = new Redis(url, {
    lazyConnect: true,
    keyPrefix: REDIS_KEY_PREFIX,
    connectionName: `tsudoi-${role}`.replace(/[^A-Za-z0-9_.-]/g, '-'),
    // A command waits for at most one reconnection, then fails: callers decide (fail open or closed).
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 2_000,
    connectTimeout: 5_000,
    retryStrategy: (times) => reconnectDelayMs(times, cap),
    ...options.extra,
  });
  let down = false;
  client.on('error', (err: Error) => {
    // ioredis emits one error per failed attempt; log the outage once, not every 100 ms.
    if (down) return;
    down = true;
    log.warn({ err, role, redis: redactedUrl(url) }, 'redis: connection lost or refused; retrying');
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    log.info({ role, redis: redactedUrl(url) }, 'redis: connected again');
  });
  return client;
}

/**
 * Closes a client: QUIT when connected (pending replies arrive, then 'end'), otherwise stops its reconnection
 * and drops the socket at once. Idempotent.
 */
export async function closeRedis(client: Redis, timeoutMs = 2_000): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect(false); // clears a pending reconnection; no socket to wait for
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const ended = new Promise<void>((resolve) => {
    client.once('end', resolve);
    timer = setTimeout(resolve, timeoutMs);
  });
  client.quit().catch(() => client.disconnect(false));
  await ended;
  if (timer) clearTimeout(timer);
  client.disconnect(false); // no-op once ended; drops a socket QUIT did not close in time
}

/** REDIS_URL without its password, for logs. */
export function redactedUrl(url: string): string {
  if (!URL.canParse(url)) return '(invalid url)';
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
