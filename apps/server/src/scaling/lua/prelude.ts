/**
 * Shared head of every floor script (Redis Lua, run atomically). ARGV[1] is the key prefix (`tsudoi:`),
 * ARGV[2] this node's id; the keys are built here from the prefix, so the scripts need one Redis (not a
 * Redis Cluster). Key names are listed in docs/FLOOR.md ("Several nodes").
 *
 * Every change appends an event to the stream `floor:events` in the same script, numbered by the
 * counter `floor:seq`: the stored state and the event that tells the other nodes cannot disagree, and a
 * node that lost Redis for a moment reads on from where it stopped.
 */
export const PRELUDE = `
local P = ARGV[1]
local NODE = ARGV[2]
local EVENTS_MAXLEN = 10000
local events = {}

local function emit(ev)
  ev.seq = redis.call('INCR', P .. 'floor:seq')
  ev.node = NODE
  local json = cjson.encode(ev)
  redis.call('XADD', P .. 'floor:events', 'MAXLEN', '~', EVENTS_MAXLEN, '*', 'e', json)
  table.insert(events, json)
end

local function roomKey(ws, roomId) return P .. 'floor:' .. ws .. ':room:' .. roomId end
local function whereKey(ws) return P .. 'floor:' .. ws .. ':where' end
local function occupiedKey(ws) return P .. 'floor:' .. ws .. ':occupied' end
local function presenceKey(ws) return P .. 'presence:' .. ws end
local function nodesOfKey(ws, userId) return P .. 'presence:' .. ws .. ':nodes:' .. userId end
local function peopleOfNodeKey(node) return P .. 'node:' .. node .. ':people' end
local function aliveKey(node) return P .. 'node:' .. node .. ':alive' end
-- 1on1 rooms (room id -> definition JSON), pending 1on1 invitations and knocks (id -> JSON).
local function privateKey(ws) return P .. 'floor:' .. ws .. ':private' end
local function invitesKey(ws) return P .. 'floor:' .. ws .. ':invites' end
local function knocksKey(ws) return P .. 'floor:' .. ws .. ':knocks' end
local NODES = P .. 'nodes'

local function roomState(ws, roomId)
  local flat = redis.call('HGETALL', roomKey(ws, roomId))
  local people = {}
  for i = 1, #flat, 2 do table.insert(people, cjson.decode(flat[i + 1])) end
  return { id = roomId, people = people }
end

-- Takes a person out of their room; returns the room's id, or nil when they were in none.
local function takeOut(ws, userId)
  local roomId = redis.call('HGET', whereKey(ws), userId)
  if not roomId then return nil end
  redis.call('HDEL', whereKey(ws), userId)
  redis.call('HDEL', roomKey(ws, roomId), userId)
  if redis.call('HLEN', roomKey(ws, roomId)) == 0 then
    redis.call('SREM', occupiedKey(ws), roomId)
    -- A 1on1 room is a conversation, not a place: once empty it is gone (every mirror closes it as well).
    redis.call('HDEL', privateKey(ws), roomId)
  end
  return roomId
end

-- Puts a person into a room, out of their current one first; returns the room they left, or nil.
local function enterRoom(ws, roomId, userId, person)
  local from = takeOut(ws, userId)
  redis.call('HSET', roomKey(ws, roomId), userId, person)
  redis.call('HSET', whereKey(ws), userId, roomId)
  redis.call('SADD', occupiedKey(ws), roomId)
  -- Whoever is in a room is counted on this node too (its heartbeat covers them).
  redis.call('SADD', peopleOfNodeKey(NODE), ws .. '|' .. userId)
  return from
end

-- Offline everywhere: out of their room (an event for the room first), then the presence event.
local function goOffline(ws, userId, reason)
  local roomId = takeOut(ws, userId)
  if roomId then
    local reasons = {}
    reasons[userId] = reason
    emit({ k = 'rooms', ws = ws, rooms = { roomState(ws, roomId) }, reasons = reasons })
  end
  redis.call('DEL', nodesOfKey(ws, userId))
  if redis.call('HDEL', presenceKey(ws), userId) == 1 then
    emit({ k = 'presence', ws = ws, userId = userId, off = true })
  end
end

-- A node is gone: its people are offline unless another node still has them.
local function forgetNode(node)
  for _, member in ipairs(redis.call('SMEMBERS', peopleOfNodeKey(node))) do
    local sep = string.find(member, '|', 1, true)
    local ws, userId = string.sub(member, 1, sep - 1), string.sub(member, sep + 1)
    redis.call('SREM', nodesOfKey(ws, userId), node)
    if redis.call('SCARD', nodesOfKey(ws, userId)) == 0 then goOffline(ws, userId, 'gracePeriodEnded') end
  end
  redis.call('DEL', peopleOfNodeKey(node))
  redis.call('SREM', NODES, node)
end
`;
