/**
 * Storage of the per-workspace data keys (R19), each wrapped (AES-256-GCM) by a master key. Both engines
 * implement it (`storage/sqlite/dataKeyRepo.ts`, `storage/firestore/dataKeyRepo.ts`; contract:
 * `storage/contracts/dataKeys.contract.ts`). A workspace has at most one data key.
 */
export interface WrappedDataKey {
  workspaceId: string;
  /** Id of the master key that wrapped it (`masterKeyId`): rotation finds the keys still under an old one. */
  masterKeyId: string;
  /** `envelope.seal(master, dataKey, aad('data-key', workspaceId))`. */
  wrapped: Buffer;
  createdAt: string;
}

export interface DataKeyRepo {
  get(workspaceId: string): Promise<WrappedDataKey | undefined>;
  /** Stores `key` unless the workspace has one; returns the stored one either way (two instances racing agree). */
  createIfAbsent(key: WrappedDataKey): Promise<WrappedDataKey>;
  /**
   * Replaces the wrapping only while the key is still wrapped by `fromMasterKeyId` (compare-and-set, so two
   * rotations or a concurrent shred never resurrect or clobber a key); false when it was not.
   */
  rewrap(
    workspaceId: string,
    fromMasterKeyId: string,
    to: { masterKeyId: string; wrapped: Buffer },
  ): Promise<boolean>;
  /** Up to `limit` keys wrapped by a master key NOT among `masterKeyIds` (1–10 ids), by workspace id. */
  listWrappedByOthers(masterKeyIds: readonly string[], limit: number): Promise<WrappedDataKey[]>;
  /** One key wrapped by this master key, if any (the start-up check opens it). */
  anyWrappedBy(masterKeyId: string): Promise<WrappedDataKey | undefined>;
  /** Deletes the workspace's key (crypto-shredding); idempotent. */
  delete(workspaceId: string): Promise<void>;
}
