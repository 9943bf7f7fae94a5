import os from 'node:os';

/** Several nodes (R23): what a node needs to know of the others (config.ts reads it from the environment). */
export interface ScalingConfig {
  /** The shared Redis; undefined = single node (limits, fan-out and presence stay in this process). */
  redisUrl: string | undefined;
  /** This node's id, unique among the nodes sharing the store and Redis. */
  nodeId: string;
  /** This node's own public base URL; undefined = PUBLIC_URL is unset too (the listen URL is used). */
  nodeUrl: string | undefined;
  /** MEDIA_PLACEMENT_TTL_MS: a room's media moves off a node this long silent (heartbeats every quarter). */
  placementTtlMs: number;
  /** MEDIA_PEERS_PER_WORKER: when a room spreads over a second worker (media/placement/routerSpill.ts). */
  peersPerWorker: number;
}

/** `<hostname>-<pid>` reduced to NODE_ID's characters and length. */
export function defaultNodeId(host = os.hostname(), pid = process.pid): string {
  const h = host.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 40) || 'node';
  return `${h}-${pid}`;
}
