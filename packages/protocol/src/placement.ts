/**
 * Several nodes (R23, issue 14): each room's media lives on one node. When a client asks for a room's
 * media (`media:join`) on a node that does not host it, the answer names the node that does, and the
 * client opens its media signalling socket there (same path, its own session). docs/SCALING.md.
 */
export interface MediaElsewhere {
  /** The hosting node's NODE_ID. */
  nodeId: string;
  /** The hosting node's NODE_URL (http/https base URL): connect the media socket.io client here. */
  url: string;
}
