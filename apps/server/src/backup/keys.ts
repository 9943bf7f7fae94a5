import { deriveKey, keyById, type MasterKey, type MasterKeyring } from '../crypto/masterKey.js';
import { type BackupKey, backupKeyFrom } from './cipherFile.js';

/** The backup key of one master key: `deriveKey(master, 'backup')`, tagged with the master's id. */
export function backupKeyOf(master: MasterKey): BackupKey {
  return backupKeyFrom(deriveKey(master, 'backup'), master.id);
}

/** Backups are written under the current master key and read under whichever configured key made them. */
export interface BackupKeys {
  readonly current: BackupKey;
  byId(id: string): BackupKey | undefined;
}

export function backupKeysOf(ring: MasterKeyring): BackupKeys {
  return {
    current: backupKeyOf(ring.current),
    byId: (id) => {
      const master = keyById(ring, id);
      return master ? backupKeyOf(master) : undefined;
    },
  };
}
