import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { DataKeyRepo, WrappedDataKey } from './dataKeyRepo.js';
import { aad, open, SealError, seal } from './envelope.js';
import { keyById, type MasterKeyring } from './masterKey.js';

/** The server's master key does not open the stored data keys: it must not start (exit code 2, main.ts). */
export class MasterKeyMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MasterKeyMismatchError';
  }
}

export interface RotationReport {
  /** Data keys now wrapped by the current master key that were not before. */
  rewrapped: number;
  currentMasterKeyId: string;
}

const wrapAad = (workspaceId: string) => aad('data-key', workspaceId);

/**
 * The per-workspace data keys of envelope encryption (R19): random 32-byte keys, stored wrapped by the
 * current master key and unwrapped on first use (kept in memory for `cacheMs`). Other modules need:
 * - `keyFor(ws)` to encrypt (creates the workspace's key on first use), `existingKey(ws)` to decrypt;
 * - `destroy(ws)` — crypto-shredding, called by workspace erasure (R8 backstop): afterwards nothing sealed
 *   under that key can be opened, on this instance at once and on others within `cacheMs`.
 */
export class DataKeys {
  readonly #cache = new Map<string, { key: Buffer; at: number }>();
  readonly #cacheMs: number;

  constructor(
    private readonly repo: DataKeyRepo,
    private readonly ring: MasterKeyring,
    private readonly clock: Clock,
    options: { cacheMs?: number } = {},
  ) {
    this.#cacheMs = options.cacheMs ?? 5 * 60_000;
  }

  /**
   * The start-up check: every stored data key is wrapped by a configured master key, and one key per
   * configured master actually opens. Throws {@link MasterKeyMismatchError} naming the ids otherwise.
   */
  async verify(): Promise<void> {
    const ids = [this.ring.current.id, ...this.ring.previous.map((k) => k.id)].slice(0, 10);
    const [foreign] = await this.repo.listWrappedByOthers(ids, 1);
    if (foreign) {
      throw new MasterKeyMismatchError(
        `the stored data keys are wrapped by master key ${foreign.masterKeyId}, which is not configured ` +
          `(MASTER_KEY is ${this.ring.current.id}${this.ring.previous.length ? `, MASTER_KEY_PREVIOUS ${ids.slice(1).join(', ')}` : ''}). ` +
          'Start with the right MASTER_KEY (or the old one as MASTER_KEY_PREVIOUS during a rotation).',
      );
    }
    for (const id of ids) {
      const sample = await this.repo.anyWrappedBy(id);
      if (sample) this.#unwrap(sample);
    }
  }

  /** The workspace's data key, created (and stored) on first use. */
  async keyFor(workspaceId: string): Promise<Buffer> {
    const cached = this.#cached(workspaceId);
    if (cached) return cached;
    const stored =
      (await this.repo.get(workspaceId)) ??
      (await this.repo.createIfAbsent(this.#wrap(workspaceId, randomBytes(32))));
    return this.#remember(workspaceId, this.#unwrap(stored));
  }

  /** The workspace's data key for reading; throws `SealError('key-destroyed')` when it has none. */
  async existingKey(workspaceId: string): Promise<Buffer> {
    const cached = this.#cached(workspaceId);
    if (cached) return cached;
    const stored = await this.repo.get(workspaceId);
    if (!stored) throw new SealError('key-destroyed', `workspace ${workspaceId} has no data key`);
    return this.#remember(workspaceId, this.#unwrap(stored));
  }

  /** Crypto-shredding: deletes the workspace's data key; what was sealed under it is unreadable for good. */
  async destroy(workspaceId: string): Promise<void> {
    this.#cache.delete(workspaceId);
    await this.repo.delete(workspaceId);
    this.#cache.delete(workspaceId); // a read racing the delete may have cached it meanwhile
  }

  /**
   * Re-wraps every data key not yet under the current master key (the data itself is untouched). Safe while
   * servers run: they read keys wrapped by either master. Throws {@link MasterKeyMismatchError} when a key
   * is wrapped by a master that is not configured here.
   */
  async rotate(batch = 100): Promise<RotationReport> {
    let rewrapped = 0;
    const current = this.ring.current;
    for (;;) {
      const keys = await this.repo.listWrappedByOthers([current.id], batch);
      if (keys.length === 0) break;
      let progress = false;
      for (const k of keys) {
        const next = this.#wrap(k.workspaceId, this.#unwrap(k));
        const ok = await this.repo.rewrap(k.workspaceId, k.masterKeyId, {
          masterKeyId: next.masterKeyId,
          wrapped: next.wrapped,
        });
        if (ok) rewrapped++;
        progress ||= ok;
      }
      // Only lost races (another rotation, a shred): the next page shows what is left.
      if (!progress && keys.length < batch) break;
    }
    return { rewrapped, currentMasterKeyId: current.id };
  }

  #cached(workspaceId: string): Buffer | undefined {
    const hit = this.#cache.get(workspaceId);
    if (hit && this.clock().getTime() - hit.at < this.#cacheMs) return hit.key;
    this.#cache.delete(workspaceId);
    return undefined;
  }

  #remember(workspaceId: string, key: Buffer): Buffer {
    this.#cache.set(workspaceId, { key, at: this.clock().getTime() });
    return key;
  }

  #wrap(workspaceId: string, dataKey: Buffer): WrappedDataKey {
    const master = this.ring.current;
    return {
      workspaceId,
      masterKeyId: master.id,
      wrapped: seal(master.key, dataKey, wrapAad(workspaceId)),
      createdAt: this.clock().toISOString(),
    };
  }

  #unwrap(k: WrappedDataKey): Buffer {
    const master = keyById(this.ring, k.masterKeyId);
    if (!master) {
      throw new MasterKeyMismatchError(
        `workspace ${k.workspaceId}'s data key is wrapped by master key ${k.masterKeyId}, which is not configured`,
      );
    }
    try {
      return open(master.key, k.wrapped, wrapAad(k.workspaceId));
    } catch (err) {
      if (err instanceof SealError && err.reason === 'auth-failed') {
        throw new MasterKeyMismatchError(
          `master key ${k.masterKeyId} does not open workspace ${k.workspaceId}'s data key (corrupted, or moved from another workspace)`,
        );
      }
      throw err;
    }
  }
}
