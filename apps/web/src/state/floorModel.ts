import type {
  FloorChanged,
  FloorSnapshot,
  KnockAnswered,
  KnockOutcome,
  KnockRequest,
  MemberPresence,
  OneOnOneAnswered,
  OneOnOneInvitation,
  OneOnOneOutcome,
  RoomParticipantsChanged,
  RoomSummary,
} from '@tsudoi/protocol';

/**
 * The client's copy of one workspace's floor, and the pure functions that apply server events to it.
 * The server is the source of truth: nothing here guesses; every change comes from a typed event or ack.
 */
export interface FloorState {
  workspaceId: string | null;
  /** The signed-in user's id (to find "my room" and to tell my invitations from others'). */
  me: string | null;
  /** False until the first `floor:snapshot` of this connection. */
  loaded: boolean;
  rooms: Record<string, RoomSummary>;
  members: Record<string, MemberPresence>;
  /** 1on1 invitations waiting for my answer, oldest first. */
  invitations: OneOnOneInvitation[];
  /** The 1on1 invitation I sent, and how it ended once answered. */
  outgoing: { invitation: OneOnOneInvitation; outcome: OneOnOneOutcome | null } | null;
  /** Knocks on the room I am in, waiting for someone inside to answer. */
  knocks: KnockRequest[];
  /** My own knock, and how it ended once answered. */
  myKnock: { knock: KnockRequest; outcome: KnockOutcome | null } | null;
}

export const emptyFloor = (workspaceId: string | null = null, me: string | null = null): FloorState => ({
  workspaceId,
  me,
  loaded: false,
  rooms: {},
  members: {},
  invitations: [],
  outgoing: null,
  knocks: [],
  myKnock: null,
});

const byId = <T, K extends keyof T>(items: readonly T[], key: K): Record<string, T> =>
  Object.fromEntries(items.map((i) => [String(i[key]), i]));

/** Drops knocks on rooms that are gone or that I am no longer in (nobody asks me to answer them). */
function pruneKnocks(state: FloorState): FloorState {
  const mine = state.me ? roomOf(state, state.me)?.id : undefined;
  const knocks = state.knocks.filter((k) => k.roomId === mine);
  return knocks.length === state.knocks.length ? state : { ...state, knocks };
}

/**
 * A snapshot replaces rooms and members (sent on every connect, so a reconnect heals any missed event);
 * invitations and knocks in flight are kept — the server re-sends pending invitations after it.
 */
export function applySnapshot(state: FloorState, snapshot: FloorSnapshot): FloorState {
  if (state.workspaceId && snapshot.workspaceId !== state.workspaceId) return state;
  return pruneKnocks({
    ...state,
    workspaceId: snapshot.workspaceId,
    loaded: true,
    rooms: byId(
      snapshot.rooms.filter((r) => !r.archived),
      'id',
    ),
    members: byId(snapshot.members, 'userId'),
  });
}

/** A room was created or changed (people in it, name, capacity); archived rooms leave the floor. */
export function applyRoomUpdated(state: FloorState, room: RoomSummary): FloorState {
  if (room.archived) return applyRoomRemoved(state, room.id);
  return pruneKnocks({ ...state, rooms: { ...state.rooms, [room.id]: room } });
}

/**
 * Several rooms in one step (someone moved A → B): applied together, so nobody is ever in no room. On a busy
 * floor the server also gathers the people whose presence changed into the same push (`presence`).
 */
export function applyChanged(state: FloorState, change: FloorChanged): FloorState {
  const rooms = { ...state.rooms };
  for (const room of change.rooms) {
    if (room.archived) delete rooms[room.id];
    else rooms[room.id] = room;
  }
  for (const roomId of change.removedRoomIds) delete rooms[roomId];
  for (const c of change.participants ?? []) {
    const room = rooms[c.roomId];
    if (room) rooms[c.roomId] = withParticipantChanges(room, c);
  }
  const changed = pruneKnocks({ ...state, rooms });
  if (!change.presence?.length) return changed;
  const members = { ...state.members };
  for (const member of change.presence) members[member.userId] = member;
  return { ...changed, members };
}

/**
 * A big room's participant changes (the server sends those instead of the whole room): who left goes,
 * who changed is replaced where they are, who entered comes last (the order people entered in).
 */
function withParticipantChanges(room: RoomSummary, c: RoomParticipantsChanged): RoomSummary {
  const upsert = new Map(c.upsert.map((p) => [p.userId, p]));
  const remove = new Set(c.remove);
  const kept = room.participants.filter((p) => !remove.has(p.userId)).map((p) => upsert.get(p.userId) ?? p);
  const there = new Set(kept.map((p) => p.userId));
  return { ...room, participants: [...kept, ...c.upsert.filter((p) => !there.has(p.userId))] };
}

export function applyRoomRemoved(state: FloorState, roomId: string): FloorState {
  if (!(roomId in state.rooms) && !state.knocks.some((k) => k.roomId === roomId)) return state;
  const rooms = { ...state.rooms };
  delete rooms[roomId];
  return pruneKnocks({ ...state, rooms });
}

/** One member's presence (online, status, name); per person, so several tabs never duplicate anyone. */
export function applyPresence(state: FloorState, member: MemberPresence): FloorState {
  return { ...state, members: { ...state.members, [member.userId]: member } };
}

/** An invitation for me (also re-sent after a reconnect: never listed twice). */
export function applyInvited(state: FloorState, invitation: OneOnOneInvitation): FloorState {
  if (state.invitations.some((i) => i.inviteId === invitation.inviteId)) return state;
  return { ...state, invitations: [...state.invitations, invitation] };
}

/** The ack of my `oneOnOne:invite`. */
export function applyInviteSent(state: FloorState, invitation: OneOnOneInvitation): FloorState {
  return { ...state, outgoing: { invitation, outcome: null } };
}

/** An invitation ended: it leaves my inbox; if it was mine, I see the outcome. */
export function applyInviteAnswered(state: FloorState, answer: OneOnOneAnswered): FloorState {
  const invitations = state.invitations.filter((i) => i.inviteId !== answer.inviteId);
  const outgoing =
    state.outgoing?.invitation.inviteId === answer.inviteId
      ? { ...state.outgoing, outcome: answer.outcome }
      : state.outgoing;
  return { ...state, invitations, outgoing };
}

export function dismissOutgoing(state: FloorState): FloorState {
  return { ...state, outgoing: null };
}

/** Someone knocks on the room I am in. */
export function applyKnockRequested(state: FloorState, knock: KnockRequest): FloorState {
  if (state.knocks.some((k) => k.knockId === knock.knockId)) return state;
  return pruneKnocks({ ...state, knocks: [...state.knocks, knock] });
}

/** The ack of my `knock:request`. */
export function applyKnockSent(state: FloorState, knock: KnockRequest): FloorState {
  return { ...state, myKnock: { knock, outcome: null } };
}

/** A knock ended: it leaves the list of those inside; if it was mine, I see the outcome. */
export function applyKnockAnswered(state: FloorState, answer: KnockAnswered): FloorState {
  const knocks = state.knocks.filter((k) => k.knockId !== answer.knockId);
  const myKnock =
    state.myKnock?.knock.knockId === answer.knockId
      ? { ...state.myKnock, outcome: answer.outcome }
      : state.myKnock;
  return { ...state, knocks, myKnock };
}

export function dismissMyKnock(state: FloorState): FloorState {
  return { ...state, myKnock: null };
}

/* ---- selectors ---- */

/** The room a user is in, if any (the server keeps everyone in at most one). */
export function roomOf(state: FloorState, userId: string): RoomSummary | undefined {
  return Object.values(state.rooms).find((r) => r.participants.some((p) => p.userId === userId));
}

/** The room the signed-in user is in. */
export const selectMyRoom = (state: FloorState): RoomSummary | undefined =>
  state.me ? roomOf(state, state.me) : undefined;

/** Open rooms by name, then 1on1 rooms. */
export function selectRooms(state: FloorState): RoomSummary[] {
  return Object.values(state.rooms).sort(
    (a, b) =>
      Number(a.kind === 'oneOnOne') - Number(b.kind === 'oneOnOne') ||
      a.name.localeCompare(b.name) ||
      a.id.localeCompare(b.id),
  );
}

/** Members, online first, then by name. */
export function selectMembers(state: FloorState): MemberPresence[] {
  return Object.values(state.members).sort(
    (a, b) => Number(b.online) - Number(a.online) || a.displayName.localeCompare(b.displayName),
  );
}

/** True when a room cannot take one more person (capacity reached). */
export const isFull = (room: RoomSummary): boolean =>
  room.capacity !== null && room.participants.length >= room.capacity;

/** What the signed-in user can do about a room they are not in: drop in, knock (private), or nothing (full). */
export function entryFor(room: RoomSummary, me: string | null): 'inside' | 'knock' | 'enter' | 'full' {
  if (me && room.participants.some((p) => p.userId === me)) return 'inside';
  if (room.kind === 'oneOnOne') return 'knock';
  // Capacity is a hard limit on the server, so knocking on a full room could never be answered with entry.
  if (isFull(room)) return 'full';
  return 'enter';
}
