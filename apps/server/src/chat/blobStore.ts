/**
 * Where message attachments (images) live: a small interface so the filesystem default
 * (`storage/blobStore.ts`) and an object store (GCS/S3) are interchangeable. Keys are relative,
 * slash-separated, e.g. `<workspaceId>/<uuid>`.
 */
export interface BlobStore {
  put(key: string, data: Uint8Array): Promise<void>;
  /** The blob's bytes, or `undefined` when there is no such blob (never a partial read). */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Idempotent: deleting a missing blob is not an error (a purge may be retried). */
  delete(key: string): Promise<void>;
  has(key: string): Promise<boolean>;
}
