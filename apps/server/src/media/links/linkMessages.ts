import { MediaSource } from '@tsudoi/protocol';
import { z } from 'zod';

/**
 * What two nodes say to each other over the media link of one room (docs/SCALING.md "A room bigger than
 * one node"). Both ends send the same messages; each is about a producer the sender owns (or forwards)
 * and the receiver mirrors. Nodes trust each other (the link is authenticated, linkToken.ts), but a
 * message is still checked before it reaches mediasoup: a bug on one node must not crash another.
 */
const id = z.string().min(1).max(100);

export const LinkMessages = {
  /** A producer is now consumable through the pipe: mirror it (same id) on your end. */
  'link:produce': z.object({
    producerId: id,
    kind: z.enum(['audio', 'video']),
    /** The pipe consumer's RTP parameters (mediasoup validates them). */
    rtpParameters: z.looseObject({}),
    paused: z.boolean(),
    appData: z.object({ peerId: id, source: MediaSource }),
  }),
  'link:producerClosed': z.object({ producerId: id }),
  'link:producerPaused': z.object({ producerId: id }),
  'link:producerResumed': z.object({ producerId: id }),
  /** The top simulcast layer the viewers on the sender's end want of a producer it mirrors (dynacast). */
  'link:want': z.object({ producerId: id, spatialLayer: z.number().int().min(0).max(10) }),
  /** The room's active speaker, from the node hosting the room (its observer hears every microphone). */
  'link:speaker': z.object({ peerId: id.nullable() }),
} as const;

export type LinkEvent = keyof typeof LinkMessages;
export type LinkMessage<E extends LinkEvent> = z.infer<(typeof LinkMessages)[E]>;

/** Parses one message from the other end; undefined for an unknown event or a bad payload. */
export function parseLinkMessage(
  event: string,
  payload: unknown,
): { [E in LinkEvent]: { event: E; data: LinkMessage<E> } }[LinkEvent] | undefined {
  if (!Object.hasOwn(LinkMessages, event)) return undefined;
  const parsed = LinkMessages[event as LinkEvent].safeParse(payload);
  return parsed.success ? ({ event, data: parsed.data } as never) : undefined;
}

/** One end's view of the channel a link speaks over (a socket.io socket between nodes, or a test pair). */
export interface LinkPort {
  send<E extends LinkEvent>(event: E, payload: LinkMessage<E>): void;
  /** Every message from the other end, in the order sent. */
  onMessage(handler: (event: string, payload: unknown) => void): void;
  /** The channel ended (the other node closed it, died or became unreachable). */
  onClose(handler: () => void): void;
  close(): void;
}
