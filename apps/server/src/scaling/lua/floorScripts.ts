import { PRELUDE } from './prelude.js';

/**
 * Room occupancy scripts. ARGV after the prelude's two: workspace id, then per script below. Each
 * returns `{ status, events }` (events: the JSON of what it appended to the stream).
 */

/**
 * ARGV[3..9]: ws, roomId, userId, participant JSON, capacity ('' = none), listenOnly ('1', '0', ''),
 * private ('1': a 1on1 room, which must still exist; status 'gone' when it closed meanwhile).
 */
export const JOIN = `${PRELUDE}
local ws, roomId, userId, person, cap, lo = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
if ARGV[9] == '1' and redis.call('HEXISTS', privateKey(ws), roomId) == 0 then return { 'gone', events } end
local current = redis.call('HGET', whereKey(ws), userId)
local rk = roomKey(ws, roomId)
if current == roomId then
  local raw = redis.call('HGET', rk, userId)
  if raw and lo ~= '' then
    local p = cjson.decode(raw)
    if p.listenOnly ~= (lo == '1') then
      p.listenOnly = (lo == '1')
      redis.call('HSET', rk, userId, cjson.encode(p))
      emit({ k = 'rooms', ws = ws, rooms = { roomState(ws, roomId) }, reasons = {} })
    end
  end
  if raw then return { 'same', events } end
end
-- The capacity check and the entry are one step: of two people taking the last seat, one gets it.
if cap ~= '' and redis.call('HLEN', rk) >= tonumber(cap) then return { 'full', events } end
local from = enterRoom(ws, roomId, userId, person)
local rooms = { roomState(ws, roomId) }
local reasons = {}
if from and from ~= roomId then
  table.insert(rooms, roomState(ws, from))
  reasons[userId] = 'moved'
end
emit({ k = 'rooms', ws = ws, rooms = rooms, reasons = reasons })
return { 'joined', events }
`;

/** ARGV[3..6]: ws, roomId ('' = whatever room), userId, reason. Status 'left' or 'notIn'. */
export const LEAVE = `${PRELUDE}
local ws, roomId, userId, reason = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local current = redis.call('HGET', whereKey(ws), userId)
if not current or (roomId ~= '' and current ~= roomId) then return { 'notIn', events } end
takeOut(ws, userId)
local reasons = {}
reasons[userId] = reason
emit({ k = 'rooms', ws = ws, rooms = { roomState(ws, current) }, reasons = reasons })
return { 'left:' .. current, events }
`;

/**
 * A stored room was created, renamed or archived on one node. ARGV[3..5]: ws, roomId, the room record's
 * JSON, archived ('1'/'0'). An archived room's people leave with 'archived' (room event first).
 */
export const DEFINE = `${PRELUDE}
local ws, roomId, record, archived = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
if archived == '1' then
  local flat = redis.call('HGETALL', roomKey(ws, roomId))
  if #flat > 0 then
    local reasons = {}
    for i = 1, #flat, 2 do
      redis.call('HDEL', whereKey(ws), flat[i])
      reasons[flat[i]] = 'archived'
    end
    redis.call('DEL', roomKey(ws, roomId))
    redis.call('SREM', occupiedKey(ws), roomId)
    emit({ k = 'rooms', ws = ws, rooms = { { id = roomId, people = {} } }, reasons = reasons })
  end
end
emit({ k = 'def', ws = ws, room = cjson.decode(record) })
return { 'ok', events }
`;

/**
 * ARGV[3]: ws. The workspace's floor and presence now: `{ seq, rooms JSON[], presence JSON[], 1on1 room
 * definitions JSON[] }`.
 */
export const LOAD = `${PRELUDE}
local ws = ARGV[3]
local seq = redis.call('GET', P .. 'floor:seq') or '0'
local rooms = {}
for _, roomId in ipairs(redis.call('SMEMBERS', occupiedKey(ws))) do
  table.insert(rooms, cjson.encode(roomState(ws, roomId)))
end
local flat = redis.call('HGETALL', presenceKey(ws))
local presence = {}
for i = 2, #flat, 2 do table.insert(presence, flat[i]) end
return { seq, rooms, presence, redis.call('HVALS', privateKey(ws)) }
`;
