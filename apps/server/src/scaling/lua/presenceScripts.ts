import { PRELUDE } from './prelude.js';

/**
 * Presence scripts: a person is online while at least one node has them (`presence:<ws>:nodes:<user>`);
 * what others see (name, status) is in the hash `presence:<ws>`. Each returns `{ status, events }`.
 */

/** ARGV[3..5]: ws, userId, `{ userId, displayName, status }` JSON. This node has the person now. */
export const ONLINE = `${PRELUDE}
local ws, userId, view = ARGV[3], ARGV[4], ARGV[5]
redis.call('SADD', nodesOfKey(ws, userId), NODE)
redis.call('SADD', peopleOfNodeKey(NODE), ws .. '|' .. userId)
local old = redis.call('HGET', presenceKey(ws), userId)
if not old then
  redis.call('HSET', presenceKey(ws), userId, view)
  emit({ k = 'presence', ws = ws, userId = userId, p = cjson.decode(view) })
  return { 'online', events }
end
-- Already online through another node: keep their status, follow a changed display name.
local was, now = cjson.decode(old), cjson.decode(view)
if was.displayName ~= now.displayName then
  was.displayName = now.displayName
  redis.call('HSET', presenceKey(ws), userId, cjson.encode(was))
  emit({ k = 'presence', ws = ws, userId = userId, p = was })
end
return { 'already', events }
`;

/** ARGV[3..5]: ws, userId, status JSON. Only for someone online. */
export const STATUS = `${PRELUDE}
local ws, userId, status = ARGV[3], ARGV[4], ARGV[5]
local old = redis.call('HGET', presenceKey(ws), userId)
if not old then return { 'offline', events } end
local p = cjson.decode(old)
p.status = cjson.decode(status)
redis.call('HSET', presenceKey(ws), userId, cjson.encode(p))
emit({ k = 'presence', ws = ws, userId = userId, p = p })
return { 'ok', events }
`;

/**
 * ARGV[3..5]: ws, userId, scope ('node': this node's grace period ended; 'all': signed out or access
 * ended, gone from every node at once). Offline (and out of their room) once no node has them.
 */
export const OFFLINE = `${PRELUDE}
local ws, userId, scope = ARGV[3], ARGV[4], ARGV[5]
redis.call('SREM', peopleOfNodeKey(NODE), ws .. '|' .. userId)
if scope == 'all' then
  goOffline(ws, userId, 'accessEnded')
  return { 'offline', events }
end
redis.call('SREM', nodesOfKey(ws, userId), NODE)
if redis.call('SCARD', nodesOfKey(ws, userId)) > 0 then return { 'elsewhere', events } end
goOffline(ws, userId, 'gracePeriodEnded')
return { 'offline', events }
`;
