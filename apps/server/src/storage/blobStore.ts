import fs from 'node:fs/promises';
import path from 'node:path';

import type { BlobStore } from '../chat/blobStore.js';

/** The interface lives with the messages that own attachments; re-exported for engine code. */
export type { BlobStore };

// No '..', no absolute paths, no backslashes: a key can never reach outside the root.
const KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

/** Blobs as files under `<DATA_DIR>/blobs`. */
export class FsBlobStore implements BlobStore {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = path.resolve(dataDir, 'blobs');
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    const file = this.#file(key);
    await fs.mkdir(path.dirname(file), { recursive: true });
    // Write then rename, so a reader or a crash never sees half a file.
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    try {
      await fs.writeFile(tmp, data);
      await fs.rename(tmp, file);
    } catch (err) {
      // A half-written copy must not outlive the failure (R8: no attachment bytes the store forgot about).
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await fs.readFile(this.#file(key)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.#file(key), { force: true });
  }

  async has(key: string): Promise<boolean> {
    try {
      return (await fs.stat(this.#file(key))).isFile();
    } catch {
      return false;
    }
  }

  #file(key: string): string {
    if (!KEY.test(key) || key.length > 512) throw new TypeError(`invalid blob key: ${JSON.stringify(key)}`);
    return path.join(this.root, ...key.split('/'));
  }
}
