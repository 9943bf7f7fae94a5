/**
 * Persisted room definitions (not who is inside: that lives in memory on the floor). Only admin-made
 * `open` rooms are stored; 1on1 rooms exist while someone is in them. Every method is scoped by
 * `workspaceId`, so an id from another workspace reads as absent.
 */
export interface RoomRecord {
  id: string;
  workspaceId: string;
  name: string;
  /** Null means no limit. */
  capacity: number | null;
  archived: boolean;
  createdAt: string;
}

export interface RoomRepo {
  /** Rejects when the id already exists. */
  create(room: RoomRecord): Promise<void>;
  get(workspaceId: string, id: string): Promise<RoomRecord | undefined>;
  /** Archived rooms included, oldest first (the floor's order). */
  list(workspaceId: string): Promise<RoomRecord[]>;
  rename(workspaceId: string, id: string, name: string): Promise<RoomRecord | undefined>;
  /** Idempotent; archived rooms are kept for the record and refused on join. */
  archive(workspaceId: string, id: string): Promise<RoomRecord | undefined>;
}
