import { create } from 'zustand';

/**
 * The room this page could not get back into after its connection dropped (a server restart forgot who was
 * where, and the room refused me meanwhile: full, private…). Shown on the floor until dismissed or until I
 * am in a room again.
 */
export interface LostRoom {
  roomName: string;
  /** The refusal (a socket request error), worded by the notice. */
  error: unknown;
}

export const useLostRoom = create<{ lost: LostRoom | null }>()(() => ({ lost: null }));

/** Actions callable outside React (the room session). */
export const lostRoomActions = {
  show: (roomName: string, error: unknown) => useLostRoom.setState({ lost: { roomName, error } }),
  dismiss: () => useLostRoom.setState({ lost: null }),
};
