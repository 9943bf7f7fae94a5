import { TestSockets } from './sockets.js';
import { startTestApp, type TestApp } from './testApp.js';

/** Two apps serving as two nodes: one store (node A's, shared with B) and one Redis; sockets for each. */
export interface TwoNodes {
  nodeA: TestApp;
  nodeB: TestApp;
  onA: TestSockets;
  onB: TestSockets;
}

/** Starts node A, then node B on A's store; `NODE_ID`s are `names`, `env` goes to both. Close B, then A. */
export async function startTwoNodes(
  redisUrl: string,
  names: readonly [string, string],
  env: Record<string, string> = {},
): Promise<TwoNodes> {
  const shared = { ...env, REDIS_URL: redisUrl };
  const nodeA = await startTestApp({ ...shared, NODE_ID: names[0] });
  const nodeB = await startTestApp({ ...shared, ...nodeA.storeEnv, NODE_ID: names[1] });
  return { nodeA, nodeB, onA: new TestSockets(nodeA.app.url), onB: new TestSockets(nodeB.app.url) };
}
