import type { BlobStore } from '../chat/blobStore.js';
import type { RetentionLogger } from './purger.js';

export interface BlobDrainDeps {
  blobs: Pick<BlobStore, 'delete'>;
  /** Removes confirmed keys from the store's deletion queue (`MessageRepo.confirmBlobDeletes`). */
  confirm: (blobKeys: string[]) => Promise<void>;
  log: RetentionLogger;
  /** Blob deletions in flight at once. */
  concurrency: number;
  /** Keys per confirmation write. */
  confirmBatch: number;
}

/**
 * Removes the blobs of deleted attachments in the background while the purge goes on deleting rows: up
 * to `concurrency` deletions in flight, confirmations written in batches. The keys are already in the
 * store's deletion queue (queued with their rows), so whatever this drain does not get to — a failure, a
 * crash — stays queued and the next run removes it; a key is only confirmed once its blob is gone.
 */
export class BlobDrain {
  readonly #d: BlobDrainDeps;
  readonly #queue: string[] = [];
  #head = 0;
  #active = 0;
  #toConfirm: string[] = [];
  #confirming: Promise<void> = Promise.resolve();
  #confirmed = 0;
  #failed = 0;
  #idle: Array<() => void> = [];

  constructor(deps: BlobDrainDeps) {
    this.#d = deps;
  }

  /** Queues blob keys for removal; returns at once. */
  push(blobKeys: readonly string[]): void {
    if (blobKeys.length === 0) return;
    this.#queue.push(...blobKeys);
    this.#pump();
  }

  /**
   * Resolves once every pushed blob was removed (or failed) and every removal was confirmed in the store;
   * never rejects. `confirmed` counts the keys whose blob is gone and whose queue entry was removed.
   */
  async drained(): Promise<{ confirmed: number; failed: number }> {
    if (this.#active > 0 || this.#head < this.#queue.length)
      await new Promise<void>((resolve) => this.#idle.push(resolve));
    this.#flushConfirmations();
    await this.#confirming;
    return { confirmed: this.#confirmed, failed: this.#failed };
  }

  #pump() {
    while (this.#active < this.#d.concurrency && this.#head < this.#queue.length) {
      const key = this.#queue[this.#head++] as string;
      this.#active++;
      void this.#remove(key);
    }
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
    }
  }

  async #remove(key: string) {
    try {
      await this.#d.blobs.delete(key);
      this.#toConfirm.push(key);
    } catch (err) {
      // Stays queued in the store; the next run retries it.
      this.#failed++;
      this.#d.log.error({ err, blobKey: key }, 'retention: could not delete an attachment blob');
    } finally {
      this.#active--;
      if (this.#toConfirm.length >= this.#d.confirmBatch) this.#flushConfirmations();
      this.#pump();
      if (this.#active === 0 && this.#head >= this.#queue.length) {
        for (const resolve of this.#idle.splice(0)) resolve();
      }
    }
  }

  // Confirmations are written one batch after the other, never concurrently.
  #flushConfirmations() {
    if (this.#toConfirm.length === 0) return;
    const keys = this.#toConfirm;
    this.#toConfirm = [];
    this.#confirming = this.#confirming.then(async () => {
      try {
        await this.#d.confirm(keys);
        this.#confirmed += keys.length;
      } catch (err) {
        // The blobs are gone but still queued: the next run deletes them again (idempotent) and confirms.
        this.#d.log.error({ err, count: keys.length }, 'retention: could not confirm blob deletions');
      }
    });
  }
}
