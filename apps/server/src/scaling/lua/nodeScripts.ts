import { PRELUDE } from './prelude.js';

/**
 * Node liveness. A node's heartbeat key `node:<id>:alive` expires unless renewed; any node's sweep then
 * takes the missing node's people off the floor (once: the sweep is one atomic script).
 */

/** ARGV[3]: ttl ms. Renews this node's heartbeat; status 'renewed', or 'new' when the key had expired. */
export const BEAT = `${PRELUDE}
local ttl = ARGV[3]
local existed = redis.call('EXISTS', aliveKey(NODE))
redis.call('SET', aliveKey(NODE), '1', 'PX', ttl)
redis.call('SADD', NODES, NODE)
if existed == 1 then return { 'renewed', events } end
return { 'new', events }
`;

/** Forgets every node whose heartbeat expired (their people go offline unless another node has them). */
export const SWEEP = `${PRELUDE}
for _, node in ipairs(redis.call('SMEMBERS', NODES)) do
  if redis.call('EXISTS', aliveKey(node)) == 0 then forgetNode(node) end
end
return { 'ok', events }
`;

/** A node starting (or restarting under the same id): what an earlier run of it left is forgotten. */
export const RESET = `${PRELUDE}
forgetNode(NODE)
return { 'ok', events }
`;
