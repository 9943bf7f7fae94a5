import { ClientPayloads, type PersonRef } from '@tsudoi/protocol';
import type { AuditLog } from '../audit/auditLog.js';
import type { Presence } from '../presence/presenceTracker.js';
import type { Floors } from '../rooms/floors.js';
import { toKnockAnswer, toKnockView } from '../rooms/knock.js';
import { toAnswerView, toInvitationView } from '../rooms/oneOnOne.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import type { FloorSnapshots } from './floorSnapshots.js';
import { handle } from './handle.js';
import { channels, type SocketIdentity, type TsudoiSocket } from './types.js';

export interface FloorHandlerDeps {
  /** Sends a connecting socket its floor snapshot (made once for the sockets connecting together). */
  snapshots: Pick<FloorSnapshots, 'send'>;
  floors: Floors;
  presence: Presence;
  access: WorkspaceAccess;
  audit: AuditLog;
}

/**
 * One workspace socket's floor life: presence on connect, the snapshot, every floor request, and
 * presence off on disconnect. Fan-out of floor events to other sockets is in `floorFanout.ts`.
 */
export async function registerFloorHandlers(socket: TsudoiSocket, id: SocketIdentity, d: FloorHandlerDeps) {
  const ws = id.workspaceId;
  const me: PersonRef = { userId: id.user.id, displayName: id.user.displayName };
  // Handlers are registered before any await, so a request sent right after connecting is never lost;
  // each waits for the floor to be loaded.
  const loading = d.floors.get(ws);
  loading.catch(() => {});
  // Admin requests ask the access decision each time: a demotion applies to the very next request.
  const requireAdmin = () =>
    d.access.require(
      { userId: me.userId, session: id.session, clientIp: id.origin.ip, via: 'socket' },
      ws,
      'admin',
    );

  handle(socket, 'room:create', ClientPayloads['room:create'], async (p) => {
    await requireAdmin();
    const wf = await loading;
    const room = await wf.floor.createRoom({ name: p.name, capacity: p.capacity ?? null });
    await d.audit.record(
      'admin.room_created',
      id.origin,
      { userId: me.userId, workspaceId: ws },
      { roomId: room.id },
    );
    return room.toSummary();
  });
  handle(socket, 'room:rename', ClientPayloads['room:rename'], async (p) => {
    await requireAdmin();
    return (await (await loading).floor.renameRoom(p.roomId, p.name)).toSummary();
  });
  handle(socket, 'room:archive', ClientPayloads['room:archive'], async (p) => {
    await requireAdmin();
    const room = await (await loading).floor.archiveRoom(p.roomId);
    await d.audit.record(
      'admin.room_archived',
      id.origin,
      { userId: me.userId, workspaceId: ws },
      { roomId: room.id },
    );
    return room.toSummary();
  });
  // Through `floors`: with several nodes the shared floor decides (capacity across nodes).
  handle(socket, 'room:join', ClientPayloads['room:join'], async (p) => {
    const { floor } = await loading;
    const joined = await d.floors.join(floor, me, p.roomId, { listenOnly: p.listenOnly ?? false });
    return joined.room.toSummary();
  });
  handle(socket, 'room:leave', ClientPayloads['room:leave'], async (p) => {
    await d.floors.leave((await loading).floor, me.userId, p.roomId);
    return {};
  });
  handle(socket, 'presence:set', ClientPayloads['presence:set'], (p) =>
    d.presence.setStatus(ws, me.userId, p),
  );
  handle(socket, 'oneOnOne:invite', ClientPayloads['oneOnOne:invite'], async (p) =>
    toInvitationView(await (await loading).invitations.invite(me, p.userId)),
  );
  handle(socket, 'oneOnOne:respond', ClientPayloads['oneOnOne:respond'], async (p) =>
    toAnswerView(await (await loading).invitations.respond(me.userId, p.inviteId, p.accept)),
  );
  handle(socket, 'oneOnOne:cancel', ClientPayloads['oneOnOne:cancel'], async (p) =>
    toAnswerView(await (await loading).invitations.cancel(me.userId, p.inviteId)),
  );
  handle(socket, 'knock:request', ClientPayloads['knock:request'], async (p) =>
    toKnockView(await (await loading).knocks.request(me, p.roomId)),
  );
  handle(socket, 'knock:respond', ClientPayloads['knock:respond'], async (p) =>
    toKnockAnswer(await (await loading).knocks.respond(me.userId, p.knockId, p.admit)),
  );

  // The disconnect handler exists before any await: a socket that drops while we load must not be
  // counted online afterwards. (Ended sessions and memberships disconnect the socket: accessRelay.ts.)
  let counted = false;
  socket.once('disconnect', () => {
    if (counted) d.presence.disconnect(ws, me.userId, socket.id);
  });
  const wf = await loading;
  if (socket.disconnected) return;
  counted = true;
  socket.join([channels.workspace(ws), channels.person(ws, me.userId), channels.user(me.userId)]);
  d.presence.connect(ws, me, socket.id);
  await d.snapshots.send(ws, socket.id);
  // Several nodes read these from Redis: while it is out the socket stays (floor, chat and media work on);
  // only the re-shown invitations and knocks are missed, and they could not be answered meanwhile anyway.
  try {
    for (const inv of await wf.invitations.pendingFor(me.userId))
      socket.emit('oneOnOne:invited', toInvitationView(inv));
    // After a reload, people inside a room still see who is knocking on it.
    const myRoom = wf.floor.roomOf(me.userId);
    for (const k of myRoom ? await wf.knocks.pendingFor(myRoom.id) : [])
      socket.emit('knock:requested', toKnockView(k));
  } catch (err) {
    socket.data.log?.warn({ err }, 'pending invitations and knocks could not be read');
  }
}
