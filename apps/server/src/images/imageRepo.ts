/**
 * Uploaded images (R16): profile images, the workspace image, and message images waiting to be sent. Every
 * call is scoped by `workspaceId`. The image bytes are never here: they live in the BlobStore under
 * {@link imageBlobKey} (the full image) and {@link thumbBlobKey} (a chat thumbnail).
 *
 * A message image is recorded here only while it is pending (uploaded, not yet sent). Sending a message
 * takes its pending records away and makes the two blobs attachments of the message, so from then on the
 * message's retention (R6–R8) owns them: the purge deletes the attachment rows and the files.
 */

export type ImageKind = 'profile' | 'workspace' | 'message';

export interface ImageRecord {
  workspaceId: string;
  id: string;
  kind: ImageKind;
  /** The user (profile), the workspace id (workspace), the uploader (message). */
  ownerId: string;
  uploaderId: string;
  /** Of the re-encoded image, e.g. `image/webp`. */
  contentType: string;
  width: number;
  height: number;
  bytes: number;
  createdAt: string;
}

export interface ImageEraseResult {
  /** Records removed. */
  images: number;
  /** Their blob keys (full and thumbnail): for the caller to delete from the BlobStore. */
  blobKeys: string[];
}

export interface ImageRepo {
  /** Adds a pending message image. */
  addPending(rec: ImageRecord): Promise<void>;
  /**
   * Makes `rec` the current profile or workspace image of its owner (kind + ownerId), atomically;
   * returns the image it replaced, whose blobs the caller deletes.
   */
  setCurrent(rec: ImageRecord): Promise<ImageRecord | undefined>;
  /** The current profile or workspace image of an owner. */
  current(
    workspaceId: string,
    kind: 'profile' | 'workspace',
    ownerId: string,
  ): Promise<ImageRecord | undefined>;
  /** Removes the current image of an owner; returns it (its blobs are the caller's to delete). */
  clearCurrent(
    workspaceId: string,
    kind: 'profile' | 'workspace',
    ownerId: string,
  ): Promise<ImageRecord | undefined>;
  /** Members with a profile image: user id → image id (one read for a floor's avatars). */
  profileImages(workspaceId: string): Promise<Record<string, string>>;
  /** One image record (any kind), or undefined. */
  get(workspaceId: string, id: string): Promise<ImageRecord | undefined>;
  /**
   * Takes pending message images of `uploaderId` away, atomically and all or nothing: returns the records
   * when every id is a pending message image of that uploader in the workspace, else undefined and nothing
   * changes.
   */
  takePending(
    workspaceId: string,
    uploaderId: string,
    ids: readonly string[],
  ): Promise<ImageRecord[] | undefined>;
  /** Removes up to `limit` pending message images created before `before` (abandoned uploads) and returns them. */
  takeExpiredPending(workspaceId: string, before: string, limit: number): Promise<ImageRecord[]>;
  /**
   * Pending message images of every workspace created before `before`, oldest first, at most `limit`: a
   * plain read for the hourly sweep, which then takes them per workspace with {@link takeExpiredPending}.
   */
  expiredPending(before: string, limit: number): Promise<Pick<ImageRecord, 'workspaceId' | 'id'>[]>;
  /**
   * Removes every image record of the workspace (for workspace erasure): the counts and the blob keys the
   * caller deletes. Sent message images are not here: they go with their messages.
   */
  eraseWorkspace(workspaceId: string): Promise<ImageEraseResult>;
}

export const imageBlobKey = (workspaceId: string, id: string) => `${workspaceId}/images/${id}`;
export const thumbBlobKey = (workspaceId: string, id: string) => `${workspaceId}/images/${id}.thumb`;
export const blobKeysOf = (r: Pick<ImageRecord, 'workspaceId' | 'id'>) => [
  imageBlobKey(r.workspaceId, r.id),
  thumbBlobKey(r.workspaceId, r.id),
];
