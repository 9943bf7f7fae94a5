import type { Migration } from '../migrations.js';

/**
 * Uploaded images (R16, images/imageRepo.ts): profile and workspace images (one current per owner: the
 * partial unique index) and message images while pending. Bytes live in the BlobStore, not here.
 */
export const m009Images: Migration = {
  version: 9,
  name: 'images',
  up(db) {
    db.exec(`
      CREATE TABLE images (
        workspace_id TEXT NOT NULL,
        id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('profile', 'workspace', 'message')),
        owner_id TEXT NOT NULL,
        uploader_id TEXT NOT NULL,
        content_type TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (workspace_id, id)
      );
      CREATE UNIQUE INDEX images_current ON images (workspace_id, kind, owner_id) WHERE kind != 'message';
      CREATE INDEX images_pending ON images (workspace_id, kind, created_at);
    `);
  },
};
