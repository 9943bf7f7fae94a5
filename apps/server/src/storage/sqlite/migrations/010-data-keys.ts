import type { Migration } from '../migrations.js';

/**
 * Encryption at rest (R19, crypto/dataKeys.ts): one data key per workspace, stored wrapped by the master key
 * whose id it records (rotation re-wraps the rows still under an old id). Deleting a row is crypto-shredding.
 */
export const m010DataKeys: Migration = {
  version: 10,
  name: 'data keys (encryption at rest)',
  up(db) {
    db.exec(`
      CREATE TABLE data_keys (
        workspace_id TEXT PRIMARY KEY,
        master_key_id TEXT NOT NULL,
        wrapped BLOB NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX data_keys_by_master ON data_keys (master_key_id, workspace_id);
    `);
  },
};
