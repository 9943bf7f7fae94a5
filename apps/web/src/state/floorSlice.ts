import type { FloorServerToClientEvents, KnockRequest, OneOnOneInvitation } from '@tsudoi/protocol';
import { create } from 'zustand';
import * as model from './floorModel';

export type { FloorState } from './floorModel';
export { entryFor, isFull, selectMembers, selectMyRoom, selectRooms } from './floorModel';

/** The floor of the open workspace; written only by the actions below (fed by socket events and acks). */
export const useFloorStore = create<model.FloorState>()(() => model.emptyFloor());

const apply = (fn: (s: model.FloorState) => model.FloorState) => useFloorStore.setState(fn, true);

type Handlers = { [E in keyof FloorServerToClientEvents]: FloorServerToClientEvents[E] };

/** Actions callable outside React: the socket's event handlers, request acks, tests. */
export const floorActions = {
  /** A fresh, empty floor for a workspace page (before its socket's first snapshot). */
  reset: (workspaceId: string | null = null, me: string | null = null) =>
    useFloorStore.setState(model.emptyFloor(workspaceId, me), true),
  inviteSent: (invitation: OneOnOneInvitation) => apply((s) => model.applyInviteSent(s, invitation)),
  dismissOutgoing: () => apply(model.dismissOutgoing),
  knockSent: (knock: KnockRequest) => apply((s) => model.applyKnockSent(s, knock)),
  dismissMyKnock: () => apply(model.dismissMyKnock),
  /** One handler per server floor event, typed by the protocol. */
  events: {
    'floor:snapshot': (snapshot) => apply((s) => model.applySnapshot(s, snapshot)),
    'floor:roomUpdated': (room) => apply((s) => model.applyRoomUpdated(s, room)),
    'floor:roomRemoved': ({ roomId }) => apply((s) => model.applyRoomRemoved(s, roomId)),
    'floor:changed': (change) => apply((s) => model.applyChanged(s, change)),
    'floor:presence': (member) => apply((s) => model.applyPresence(s, member)),
    'oneOnOne:invited': (invitation) => apply((s) => model.applyInvited(s, invitation)),
    'oneOnOne:answered': (answer) => apply((s) => model.applyInviteAnswered(s, answer)),
    'knock:requested': (knock) => apply((s) => model.applyKnockRequested(s, knock)),
    'knock:answered': (answer) => apply((s) => model.applyKnockAnswered(s, answer)),
  } satisfies Handlers as Handlers,
};

type Listener = (...args: unknown[]) => void;
/** What the floor listens to: the workspace socket (or any emitter in tests). */
export interface EventSource {
  on(event: string, fn: Listener): unknown;
  off(event: string, fn: Listener): unknown;
}

/** Subscribes the floor's handlers to a socket-like emitter; returns their removal. */
export function bindFloorEvents(socket: EventSource): () => void {
  const entries = Object.entries(floorActions.events) as Array<[string, Listener]>;
  for (const [event, fn] of entries) socket.on(event, fn);
  return () => {
    for (const [event, fn] of entries) socket.off(event, fn);
  };
}
