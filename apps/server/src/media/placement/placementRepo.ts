/**
 * Where each room's media lives when several nodes share one store (R23, issue 14). Two repositories:
 * - the node registry: every node writes its own record (URL, load) on each heartbeat; a record whose
 *   `expiresAt` has passed is a dead node;
 * - room placements: which node hosts a room's mediasoup router. Claiming is atomic (one transaction: read
 *   the placement and its node's record, then write), so two nodes claiming one room at once agree on one
 *   winner, and a placement on a node whose heartbeat expired is taken over.
 * Engines: SQLite `media_nodes` / `room_placements` (migration 013), Firestore `nodes/{nodeId}` /
 * `roomPlacements/{roomKey}`; contract suite `storage/contracts/placement.contract.ts`.
 * Not tenant data: operational state, rewritten while the service runs (a room key names its workspace).
 */

/** What a node reports about itself on each heartbeat (the placement policy compares these). */
export interface NodeLoad {
  /** Media peers on this node now. */
  peers: number;
  /** Live mediasoup workers on this node. */
  workers: number;
}

export interface NodeRecord {
  id: string;
  /** The node's own base URL (NODE_URL): where clients open media signalling for rooms it hosts. */
  url: string;
  load: NodeLoad;
  /** Epoch ms of the last heartbeat. */
  heartbeatAt: number;
  /** Epoch ms after which the node counts as dead (heartbeatAt + TTL). */
  expiresAt: number;
}

export interface RoomPlacement {
  /** `MediaService.roomKey(workspaceId, roomId)`. */
  roomKey: string;
  nodeId: string;
  /** Epoch ms when this node claimed the room (or took it over). */
  claimedAt: number;
}

export interface NodeRegistryRepo {
  /** Creates or replaces this node's record. */
  heartbeat(node: NodeRecord): Promise<void>;
  get(nodeId: string): Promise<NodeRecord | undefined>;
  /** Nodes whose record has not expired at `now`, by id. */
  listLive(now: number): Promise<NodeRecord[]>;
  /** A node that stops cleanly removes its record (its rooms are taken over at once). Idempotent. */
  remove(nodeId: string): Promise<void>;
}

export interface RoomPlacementRepo {
  get(roomKey: string): Promise<RoomPlacement | undefined>;
  /**
   * Atomically: when the room has no placement, or its node's record is missing or expired at `now`, the
   * room is placed on `nodeId`; otherwise the placement stays. Returns the placement in force afterwards
   * (the caller won when its `nodeId` is the one asked for).
   */
  claim(roomKey: string, nodeId: string, now: number): Promise<RoomPlacement>;
  /** Removes the placement only while `nodeId` holds it (a room that emptied); false otherwise. */
  release(roomKey: string, nodeId: string): Promise<boolean>;
  /** The rooms a node holds (to release them on a clean stop, or for operators). */
  listByNode(nodeId: string): Promise<RoomPlacement[]>;
}

export interface PlacementRepos {
  nodes: NodeRegistryRepo;
  placements: RoomPlacementRepo;
}
