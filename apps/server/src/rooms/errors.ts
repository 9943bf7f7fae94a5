import { AppError } from '../errors.js';

/**
 * Refusals of the floor, built by static factories (LiveKit style) so every call site says the same
 * thing. Codes come from the protocol catalogue; the messages are for people.
 */
export const FloorError = {
  /** Unknown room, or a room of another workspace (its existence is not revealed). */
  roomNotFound: () => AppError.notFound('That room does not exist.'),
  roomFull: (capacity: number) => AppError.conflict(`The room is full (${capacity} people).`),
  roomArchived: () => AppError.conflict('The room is archived.'),
  roomPrivate: () => AppError.forbidden('This room is private; knock to ask to enter.'),
  notInRoom: () => AppError.conflict('You are not in that room.'),
  floorClosed: () => new AppError('UNAVAILABLE', 'The floor is restarting; try again in a moment.'),
  memberOffline: () => AppError.conflict('That member is not online.'),
  selfInvite: () => AppError.badRequest('You cannot invite yourself.'),
  inviteNotFound: () => AppError.notFound('That invitation does not exist.'),
  knockNotFound: () => AppError.notFound('That knock does not exist.'),
  notInside: () => AppError.forbidden('Only people inside the room can answer a knock.'),
  alreadyInside: () => AppError.conflict('You are already in that room.'),
  nobodyInside: () => AppError.conflict('Nobody is inside to answer; just drop in.'),
} as const;
