import type { BlobStore } from '../chat/blobStore.js';
import type { DataKeys } from './dataKeys.js';
import { aad, open, seal } from './envelope.js';

/** Sealed blobs start with these 4 bytes (no image format does), then the envelope (`envelope.ts`). */
const MAGIC = Buffer.from('TSB1', 'ascii');

/** The workspace a blob belongs to: keys are `<workspaceId>/<…>` (chat/blobStore.ts). */
function workspaceOf(key: string): string {
  const ws = key.split('/')[0];
  if (!ws || !key.includes('/')) throw new TypeError(`blob key without a workspace: ${JSON.stringify(key)}`);
  return ws;
}

/**
 * Image files encrypted at rest (R19): a {@link BlobStore} decorator sealing each blob under its workspace's
 * data key, bound to its key (a file copied to another name or workspace will not open). Blobs written
 * before R19 (without the marker) are returned as stored.
 */
export class SealedBlobStore implements BlobStore {
  constructor(
    private readonly inner: BlobStore,
    private readonly keys: DataKeys,
  ) {}

  async put(key: string, data: Uint8Array): Promise<void> {
    const ws = workspaceOf(key);
    const dataKey = await this.keys.keyFor(ws);
    await this.inner.put(key, Buffer.concat([MAGIC, seal(dataKey, data, aad('blob', ws, key))]));
  }

  /** The blob's plaintext bytes, or undefined when there is none; throws `SealError` when it does not open. */
  async get(key: string): Promise<Buffer | undefined> {
    const stored = await this.inner.get(key);
    if (!stored) return undefined;
    const buf = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
    if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) return buf;
    const ws = workspaceOf(key);
    return open(await this.keys.existingKey(ws), buf.subarray(MAGIC.length), aad('blob', ws, key));
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }

  has(key: string): Promise<boolean> {
    return this.inner.has(key);
  }
}
