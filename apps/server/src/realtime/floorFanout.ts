import type { AuditLog } from '../audit/auditLog.js';
import { MediaService } from '../media/mediaService.js';
import type { Presence } from '../presence/presenceTracker.js';
import type { Floors } from '../rooms/floors.js';
import { toKnockAnswer, toKnockView } from '../rooms/knock.js';
import { toAnswerView, toInvitationView } from '../rooms/oneOnOne.js';
import { FloorPushQueue } from './floorPushes.js';
import { channels, type TsudoiServer } from './types.js';

const NO_ORIGIN = { ip: null, userAgent: null };

/**
 * Pushes floor domain events to the sockets concerned, closes media that no longer has a room, and
 * records room enter/leave in the access log. Returns the unsubscribe for shutdown.
 */
export function floorFanout(
  io: TsudoiServer,
  floors: Floors,
  presence: Presence,
  media: MediaService,
  audit: AuditLog,
  /**
   * Several nodes: every node mirrors the whole floor and presence, so each pushes floor and presence
   * changes to its own sockets only (through the adapter every page would get them once per node).
   */
  mirrored = false,
) {
  const toWs = (ws: string) => (mirrored ? io.local : io).to(channels.workspace(ws));
  // Floor and presence changes reach every page of the workspace: paced, so a busy floor is not one frame per
  // change per page (realtime/floorPushes.ts).
  const pushes = new FloorPushQueue((ws, push) => toWs(ws).emit(push.event, push.payload as never));
  const toPeople = (ws: string, userIds: readonly string[]) =>
    io.to(userIds.map((u) => channels.person(ws, u)));
  const offs = [
    // One push per floor operation: a move A → B reaches every page as one event with both rooms.
    // A single room's change goes out as floor:roomUpdated / floor:roomRemoved (PendingFloor.take).
    floors.subscribe('changed', (ws, change) => pushes.push(ws, { event: 'floor:changed', payload: change })),
    floors.subscribe('roomRemoved', (ws, roomId) => media.closeRoom(MediaService.roomKey(ws, roomId))),
    presence.subscribe('changed', (ws, member) =>
      pushes.push(ws, { event: 'floor:presence', payload: member }),
    ),
    floors.subscribe('invited', (inv) =>
      toPeople(inv.workspaceId, [inv.to.userId]).emit('oneOnOne:invited', toInvitationView(inv)),
    ),
    floors.subscribe('inviteAnswered', (inv) =>
      toPeople(inv.workspaceId, [inv.from.userId, inv.to.userId]).emit(
        'oneOnOne:answered',
        toAnswerView(inv),
      ),
    ),
    floors.subscribe('knockRequested', (k, to) =>
      toPeople(k.workspaceId, to).emit('knock:requested', toKnockView(k)),
    ),
    floors.subscribe('knockAnswered', (k, to) =>
      toPeople(k.workspaceId, to).emit('knock:answered', toKnockAnswer(k)),
    ),
    floors.subscribe('participantJoined', (e) => {
      if (e.remote) return; // the node that made the change records it
      void audit.record(
        'room.enter',
        NO_ORIGIN,
        { userId: e.userId, workspaceId: e.workspaceId },
        { roomId: e.roomId },
      );
    }),
    floors.subscribe('participantLeft', (e) => {
      media.leave(MediaService.roomKey(e.workspaceId, e.roomId), e.userId);
      if (e.remote) return;
      void audit.record(
        'room.leave',
        NO_ORIGIN,
        { userId: e.userId, workspaceId: e.workspaceId },
        { roomId: e.roomId, reason: e.reason },
      );
    }),
  ];
  return () => {
    for (const off of offs) off();
    pushes.close();
  };
}
