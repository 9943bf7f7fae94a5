import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Config } from '../config.js';
import type { FloorCoordinator } from '../rooms/floorCoordinator.js';
import type { Clock } from '../timers.js';
import { EventStream } from './eventStream.js';
import { NodeHeartbeat } from './nodeHeartbeat.js';
import { nodeTimings } from './nodePolicy.js';
import { closeRedis, createRedisClient, REDIS_KEY_PREFIX, type RedisLogger } from './redisClient.js';
import { ScriptRunner } from './scriptRunner.js';
import { SharedFloor } from './sharedFloor.js';
import { SharedPresence } from './sharedPresence.js';

/** How long socket.io's stream reader and ours wait in one XREAD (below the clients' command timeout). */
const BLOCK_MS = 1_000;

/** What app.ts wires when REDIS_URL is set: presence, the floor coordinator and the socket.io adapter. */
export interface Scaling {
  readonly nodeId: string;
  readonly presence: SharedPresence;
  readonly coordinator: FloorCoordinator;
  /** For the gateway (`GatewayDeps.nodes`). */
  readonly gateway: { adapter: ReturnType<typeof createAdapter> };
  /** Stops the heartbeat (it lapses: the other nodes take this node's people away after the grace period). */
  stopHeartbeat(): void;
  close(): Promise<void>;
}

/**
 * Several nodes (R23): joins this node to the others through the shared Redis — the socket.io streams
 * adapter for emits, the shared floor and presence, and the node heartbeat. Undefined without REDIS_URL
 * (one node: everything stays in this process). Fails the start when Redis cannot be reached.
 */
export async function startScaling(
  config: Pick<Config, 'scaling' | 'presenceGraceMs'>,
  log: RedisLogger,
  clock: Clock,
): Promise<Scaling | undefined> {
  const { redisUrl: url, nodeId } = config.scaling;
  if (!url) return undefined;
  // Roles name the node too (CLIENT LIST tells the nodes' connections apart).
  const floorClient = createRedisClient({ url, role: `floor-${nodeId}`, log });
  const eventsClient = createRedisClient({
    url,
    role: `floor-events-${nodeId}`,
    log,
    commandTimeoutMs: BLOCK_MS + 4_000,
    extra: { maxRetriesPerRequest: null },
  });
  const adapterClient = createRedisClient({
    url,
    role: `adapter-${nodeId}`,
    log,
    commandTimeoutMs: BLOCK_MS + 4_000,
  });
  const scripts = new ScriptRunner(floorClient, nodeId, REDIS_KEY_PREFIX);
  // Presence and floor apply each other's events; the floor routes every event (it knows what is loaded).
  let floor: SharedFloor | undefined;
  const presence = new SharedPresence({
    scripts,
    apply: (events) => floor?.apply(events),
    log,
    graceMs: config.presenceGraceMs,
  });
  floor = new SharedFloor({ scripts, presence, clock, log });
  const shared = floor;
  const stream = new EventStream({
    redis: eventsClient,
    onEvent: (e) => shared.fromStream(e),
    log,
    blockMs: BLOCK_MS,
  });
  const heartbeat = new NodeHeartbeat({
    scripts,
    timings: nodeTimings(config.presenceGraceMs),
    apply: (events) => shared.apply(events),
    onBeat: () => {
      presence.retryFailed().catch(() => undefined);
    },
    // Redis lost us (a long outage, or restarted empty): tell it again who is here and where.
    onForgotten: () => {
      presence
        .republish()
        .then(() => presence.retryFailed())
        .then(() => shared.resync())
        .then(
          () => log.info({}, 'floor: this node’s people published to Redis again'),
          (err) => log.warn({ err }, 'floor: publishing this node’s people again failed'),
        );
    },
    log,
  });
  const close = async () => {
    heartbeat.stop();
    await stream.stop();
    await Promise.all([closeRedis(floorClient), closeRedis(adapterClient)]);
  };
  try {
    await stream.start();
    await heartbeat.start();
  } catch (err) {
    await close();
    throw new Error(`REDIS_URL is set but Redis cannot be reached: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return {
    nodeId,
    presence,
    coordinator: shared,
    gateway: { adapter: createAdapter(adapterClient, { blockTimeInMs: BLOCK_MS }) },
    stopHeartbeat: () => heartbeat.stop(),
    close,
  };
}
