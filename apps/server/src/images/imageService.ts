import { randomUUID } from 'node:crypto';
import type { ImageChanged, ImageUploadKind, UploadedImage } from '@tsudoi/protocol';
import type { BlobStore } from '../chat/blobStore.js';
import type { Attachment } from '../chat/messageRepo.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import { processImage } from './imagePipeline.js';
import { blobKeysOf, type ImageRecord, type ImageRepo, imageBlobKey, thumbBlobKey } from './imageRepo.js';
import { contentTypeOf } from './imageType.js';

export interface ImageServiceDeps {
  images: ImageRepo;
  blobs: BlobStore;
  clock: Clock;
  /** Logs blob deletions that failed (the bytes stay until workspace erasure). */
  onError?: (err: unknown, what: string) => void;
  /** A pending message image not sent within this time is deleted (default 1 hour). */
  pendingTtlMs?: number;
}

export interface ServedImage {
  bytes: Uint8Array;
  contentType: string;
}

type Listener = (workspaceId: string, change: ImageChanged) => void;

/**
 * Uploads (R16): checks and re-encodes (imagePipeline.ts), stores the bytes through the BlobStore only and
 * the record in the ImageRepo. Profile and workspace images replace the previous one (its files deleted);
 * message images wait as pending until a message takes them (`takeForMessage`) or they expire.
 */
export class ImageService {
  readonly #listeners = new Set<Listener>();
  /** Decoding a 40 MP image takes ~160 MB: at most two at once, a few waiting, the rest told to retry. */
  readonly #decoding = new Gate(2, 16);
  constructor(private readonly d: ImageServiceDeps) {}

  /** Called when a profile image or the workspace image changes (to push `image:changed`). */
  onChanged(fn: Listener): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  async upload(
    ws: string,
    uploaderId: string,
    kind: ImageUploadKind,
    bytes: Uint8Array,
  ): Promise<UploadedImage> {
    const img = await this.#decoding.run(() => processImage(bytes));
    const now = this.d.clock();
    const rec: ImageRecord = {
      workspaceId: ws,
      id: randomUUID(),
      kind,
      ownerId: kind === 'profile' ? uploaderId : kind === 'workspace' ? ws : uploaderId,
      uploaderId,
      contentType: img.contentType,
      width: img.width,
      height: img.height,
      bytes: img.full.byteLength,
      createdAt: now.toISOString(),
    };
    const [fullKey, thumbKey] = blobKeysOf(rec) as [string, string];
    await this.d.blobs.put(fullKey, img.full);
    await this.d.blobs.put(thumbKey, img.thumb);
    let replaced: ImageRecord | undefined;
    try {
      if (kind === 'message') await this.d.images.addPending(rec);
      else replaced = await this.d.images.setCurrent(rec);
    } catch (err) {
      await this.#deleteBlobs([fullKey, thumbKey]);
      throw err;
    }
    if (replaced) await this.#deleteBlobs(blobKeysOf(replaced));
    if (kind !== 'message')
      this.#emit(ws, { ...(kind === 'profile' ? { userId: uploaderId } : {}), imageId: rec.id });
    await this.#sweep(ws, now);
    return { id: rec.id, kind, contentType: rec.contentType, width: rec.width, height: rec.height };
  }

  /** Removes a member's profile image or the workspace image (files included). */
  async remove(ws: string, kind: 'profile' | 'workspace', ownerId: string): Promise<void> {
    const gone = await this.d.images.clearCurrent(ws, kind, ownerId);
    if (!gone) return;
    await this.#deleteBlobs(blobKeysOf(gone));
    this.#emit(ws, kind === 'profile' ? { userId: ownerId } : {});
  }

  /**
   * For a message: takes the sender's pending images (all or none: an id that is not theirs, not pending or
   * of another workspace is NOT_FOUND) and returns them as attachments (full image and thumbnail), which
   * the message's retention deletes with it.
   */
  async takeForMessage(ws: string, senderId: string, ids: readonly string[]): Promise<Attachment[]> {
    const recs = await this.d.images.takePending(ws, senderId, ids);
    if (!recs) throw new AppError('IMAGE_GONE', 'The image expired or was sent already: attach it again.');
    return recs.flatMap((r) => [
      { id: r.id, blobKey: imageBlobKey(ws, r.id) },
      { id: `${r.id}.thumb`, blobKey: thumbBlobKey(ws, r.id) },
    ]);
  }

  /** The id of an owner's current profile/workspace image, if any. */
  async currentId(ws: string, kind: 'profile' | 'workspace', ownerId: string): Promise<string | undefined> {
    return (await this.d.images.current(ws, kind, ownerId))?.id;
  }

  /** Who has a profile image in the workspace (user id → image id). */
  profileImages(ws: string): Promise<Record<string, string>> {
    return this.d.images.profileImages(ws);
  }

  /** Deletes the files of images taken for a message that was then not stored. */
  async discard(attachments: readonly Attachment[]): Promise<void> {
    await this.#deleteBlobs(attachments.map((a) => a.blobKey));
  }

  /** An image or its thumbnail by id (message images after sending have no record: the blob decides). */
  async read(ws: string, id: string, variant: 'full' | 'thumb'): Promise<ServedImage> {
    return this.#serve(variant === 'full' ? imageBlobKey(ws, id) : thumbBlobKey(ws, id));
  }

  async current(ws: string, kind: 'profile' | 'workspace', ownerId: string, variant: 'full' | 'thumb') {
    const rec = await this.d.images.current(ws, kind, ownerId);
    if (!rec) throw AppError.notFound();
    return this.read(ws, rec.id, variant);
  }

  async #serve(key: string): Promise<ServedImage> {
    const bytes = await this.d.blobs.get(key);
    const contentType = bytes && contentTypeOf(bytes);
    if (!bytes || !contentType) throw AppError.notFound();
    return { bytes, contentType };
  }

  /**
   * The hourly sweep (pendingSweep.ts): abandoned uploads of every workspace (pending past the TTL) go,
   * files included, in batches of 50, at most `maxBatches` a run (the rest the next hour). Each batch is a
   * plain read across workspaces, then an atomic take per workspace (a send racing it keeps its images).
   * Returns how many records went.
   */
  async sweepExpired(maxBatches = 20): Promise<number> {
    const before = this.#expiredBefore(this.d.clock());
    let removed = 0;
    for (let round = 0; round < maxBatches; round++) {
      const found = await this.d.images.expiredPending(before, 50);
      const perWorkspace = new Map<string, number>();
      for (const f of found) perWorkspace.set(f.workspaceId, (perWorkspace.get(f.workspaceId) ?? 0) + 1);
      for (const [ws, n] of perWorkspace) {
        const expired = await this.d.images.takeExpiredPending(ws, before, n);
        await this.#deleteBlobs(expired.flatMap(blobKeysOf));
        removed += expired.length;
      }
      if (found.length < 50) break;
    }
    return removed;
  }

  #expiredBefore(now: Date): string {
    return new Date(now.getTime() - (this.d.pendingTtlMs ?? 3_600_000)).toISOString();
  }

  /** Abandoned uploads of this workspace (pending past the TTL) go, files included. */
  async #sweep(ws: string, now: Date): Promise<void> {
    const before = this.#expiredBefore(now);
    // In batches of 50, at most 1,000 per upload: the rest goes with the next uploads.
    for (let round = 0; round < 20; round++) {
      const expired = await this.d.images.takeExpiredPending(ws, before, 50);
      await this.#deleteBlobs(expired.flatMap(blobKeysOf));
      if (expired.length < 50) break;
    }
  }

  async #deleteBlobs(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      try {
        await this.d.blobs.delete(key);
      } catch (err) {
        this.d.onError?.(err, `images: could not delete blob ${key}`);
      }
    }
  }

  #emit(ws: string, change: ImageChanged): void {
    for (const fn of this.#listeners) fn(ws, change);
  }
}

/** At most `size` tasks at once and `queue` waiting; beyond that RATE_LIMITED (retry in a few seconds). */
class Gate {
  #running = 0;
  readonly #waiting: Array<() => void> = [];
  constructor(
    private readonly size: number,
    private readonly queue: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.size) {
      if (this.#waiting.length >= this.queue) throw AppError.rateLimited(5);
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else this.#running++;
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}
