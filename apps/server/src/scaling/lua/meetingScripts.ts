import { PRELUDE } from './prelude.js';

/**
 * 1on1 invitations and knocks shared by every node (several nodes, R23). A pending invitation or knock is
 * one JSON value in a per-workspace hash (`floor:<ws>:invites`, `floor:<ws>:knocks`) with `exp`, its
 * expiry in ms: whichever node a person is connected to answers it, and only one answer settles it (each
 * script is atomic). Accepting an invitation opens the 1on1 room and moves both people into it in the same
 * script; admitting a knock moves the knocker in (onto the guest list of a 1on1 room). Invitations and
 * knocks themselves are not on the event stream — the node that made a change pushes it to the people
 * concerned through the socket.io adapter — but the rooms they open or fill are.
 *
 * Each returns `{ status, events, ... }` like the floor scripts; what follows `events` is listed per script.
 */

/** Helpers of these scripts: expired entries dropped, a person entering at `since`, moves announced. */
const MEETING_HELPERS = `
local function dropExpired(key, now)
  local flat = redis.call('HGETALL', key)
  local live = {}
  for i = 1, #flat, 2 do
    local v = cjson.decode(flat[i + 1])
    if v.exp <= now then redis.call('HDEL', key, flat[i]) else table.insert(live, { flat[i + 1], v }) end
  end
  return live
end

local function participant(p, since)
  return cjson.encode({ userId = p.userId, displayName = p.displayName, listenOnly = false, since = since })
end

local function emitMoves(ws, roomId, moved)
  local rooms, reasons, seen = { roomState(ws, roomId) }, {}, {}
  for userId, from in pairs(moved) do
    reasons[userId] = 'moved'
    if from ~= roomId and not seen[from] then
      seen[from] = true
      table.insert(rooms, roomState(ws, from))
    end
  end
  emit({ k = 'rooms', ws = ws, rooms = rooms, reasons = reasons })
end
`;

/**
 * ARGV[3..7]: ws, from userId, to userId, the new invitation's JSON, now (ms). Status 'existing' (the
 * pending invitation from → to, returned instead) or 'created'; then the invitation's JSON.
 */
export const INVITE = `${PRELUDE}${MEETING_HELPERS}
local ws, fromId, toId, json, now = ARGV[3], ARGV[4], ARGV[5], ARGV[6], tonumber(ARGV[7])
for _, e in ipairs(dropExpired(invitesKey(ws), now)) do
  if e[2].from.userId == fromId and e[2].to.userId == toId then return { 'existing', events, e[1] } end
end
redis.call('HSET', invitesKey(ws), cjson.decode(json).id, json)
return { 'created', events, json }
`;

/**
 * ARGV[3..9]: ws, invitation id, the acting person, action ('accept', 'decline': the invitee before expiry;
 * 'cancel': the inviter; 'offline': either; 'expire': anyone), now (ms), since (ISO, for the participants),
 * the 1on1 room's definition JSON (accept only). Status 'none' (no such pending invitation for this actor)
 * or 'settled'; then the invitation's JSON. Accepting defines the room and moves both people into it.
 */
export const SETTLE_INVITE = `${PRELUDE}${MEETING_HELPERS}
local ws, id, actor, action, now, since = ARGV[3], ARGV[4], ARGV[5], ARGV[6], tonumber(ARGV[7]), ARGV[8]
local json = redis.call('HGET', invitesKey(ws), id)
if not json then return { 'none', events } end
local inv = cjson.decode(json)
local may = action == 'expire'
if action == 'accept' or action == 'decline' then may = inv.to.userId == actor and inv.exp > now end
if action == 'cancel' then may = inv.from.userId == actor end
if action == 'offline' then may = inv.from.userId == actor or inv.to.userId == actor end
if not may then return { 'none', events } end
redis.call('HDEL', invitesKey(ws), id)
if action == 'accept' then
  local record = ARGV[9]
  local room = cjson.decode(record)
  redis.call('HSET', privateKey(ws), room.id, record)
  emit({ k = 'def', ws = ws, room = room })
  local moved = {}
  for _, p in ipairs({ inv.from, inv.to }) do
    local from = enterRoom(ws, room.id, p.userId, participant(p, since))
    if from then moved[p.userId] = from end
  end
  emitMoves(ws, room.id, moved)
end
return { 'settled', events, json }
`;

/**
 * ARGV[3..7]: ws, room id, the knocker's id, the new knock's JSON, now (ms). Status 'inside' (the knocker
 * is in the room), 'nobody' (the room is empty), 'existing' (their pending knock on this room, returned)
 * or 'created'; then the knock's JSON and, when it replaced a knock on another room, that one's JSON.
 */
export const KNOCK = `${PRELUDE}${MEETING_HELPERS}
local ws, roomId, userId, json, now = ARGV[3], ARGV[4], ARGV[5], ARGV[6], tonumber(ARGV[7])
if redis.call('HEXISTS', roomKey(ws, roomId), userId) == 1 then return { 'inside', events } end
if redis.call('HLEN', roomKey(ws, roomId)) == 0 then return { 'nobody', events } end
local replaced = ''
for _, e in ipairs(dropExpired(knocksKey(ws), now)) do
  if e[2].from.userId == userId then
    if e[2].roomId == roomId then return { 'existing', events, e[1] } end
    redis.call('HDEL', knocksKey(ws), e[2].id)
    replaced = e[1]
  end
end
redis.call('HSET', knocksKey(ws), cjson.decode(json).id, json)
return { 'created', events, json, replaced }
`;

/**
 * ARGV[3..9]: ws, knock id, the acting person, action ('admit', 'deny': someone inside the room, before
 * expiry; 'cancel': the knocker before expiry; 'offline': the knocker; 'expire': anyone), now (ms), since
 * (ISO), the room's capacity ('' = none). Status 'none', 'notInside' (the responder is not in the room),
 * 'full' (the knock stays pending) or 'settled'; then the knock's JSON. Admitting puts the knocker on a
 * 1on1 room's guest list (a 'def' event) and moves them in.
 */
export const SETTLE_KNOCK = `${PRELUDE}${MEETING_HELPERS}
local ws, id, actor, action, now, since, cap = ARGV[3], ARGV[4], ARGV[5], ARGV[6], tonumber(ARGV[7]), ARGV[8], ARGV[9]
local json = redis.call('HGET', knocksKey(ws), id)
if not json then return { 'none', events } end
local k = cjson.decode(json)
local rk = roomKey(ws, k.roomId)
if action == 'admit' or action == 'deny' then
  if k.exp <= now then return { 'none', events } end
  if redis.call('HEXISTS', rk, actor) == 0 then return { 'notInside', events } end
elseif action == 'cancel' then
  if k.from.userId ~= actor or k.exp <= now then return { 'none', events } end
elseif action == 'offline' then
  if k.from.userId ~= actor then return { 'none', events } end
end
if action == 'admit' then
  -- The capacity check and the entry are one step, as in JOIN.
  if cap ~= '' and redis.call('HLEN', rk) >= tonumber(cap) then return { 'full', events } end
  local record = redis.call('HGET', privateKey(ws), k.roomId)
  if record then
    local room = cjson.decode(record)
    table.insert(room.guestList, k.from.userId)
    redis.call('HSET', privateKey(ws), k.roomId, cjson.encode(room))
    emit({ k = 'def', ws = ws, room = room })
  end
  redis.call('HDEL', knocksKey(ws), id)
  local moved = {}
  local from = enterRoom(ws, k.roomId, k.from.userId, participant(k.from, since))
  if from then moved[k.from.userId] = from end
  emitMoves(ws, k.roomId, moved)
else
  redis.call('HDEL', knocksKey(ws), id)
end
return { 'settled', events, json }
`;

/**
 * ARGV[3..5]: ws, room id ('' = any), knocker id ('' = any). Removes the matching pending knocks (the room
 * emptied, or the knocker walked in); status 'ok', then a list of their JSON.
 */
export const CANCEL_KNOCKS = `${PRELUDE}
local ws, roomId, userId = ARGV[3], ARGV[4], ARGV[5]
local flat = redis.call('HGETALL', knocksKey(ws))
local gone = {}
for i = 1, #flat, 2 do
  local k = cjson.decode(flat[i + 1])
  if (roomId == '' or k.roomId == roomId) and (userId == '' or k.from.userId == userId) then
    redis.call('HDEL', knocksKey(ws), flat[i])
    table.insert(gone, flat[i + 1])
  end
end
return { 'ok', events, gone }
`;

/**
 * ARGV[3..5]: ws, 'invites' or 'knocks', an id ('' = every one). Status 'ok', then the list of pending
 * entries' JSON (with an id: that one, or none).
 */
export const PENDING = `${PRELUDE}
local key = ARGV[4] == 'invites' and invitesKey(ARGV[3]) or knocksKey(ARGV[3])
if ARGV[5] ~= '' then
  local one = redis.call('HGET', key, ARGV[5])
  return { 'ok', events, one and { one } or {} }
end
return { 'ok', events, redis.call('HVALS', key) }
`;
