import type { Migration } from '../migrations.js';

/**
 * Forgotten-password links: `email_tokens` also holds 'reset-password' tokens (hashed, single use, 1 hour).
 * SQLite cannot change a CHECK constraint in place, so the table is rebuilt with its rows.
 */
export const m005PasswordReset: Migration = {
  version: 5,
  name: 'password reset links',
  up(db) {
    db.exec(`
      CREATE TABLE email_tokens_new (
        id TEXT PRIMARY KEY,
        purpose TEXT NOT NULL CHECK (purpose IN ('verify-email', 'reset-password')),
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        expires_at TEXT NOT NULL,
        used_at TEXT
      );
      INSERT INTO email_tokens_new (id, purpose, user_id, expires_at, used_at)
        SELECT id, purpose, user_id, expires_at, used_at FROM email_tokens;
      DROP TABLE email_tokens;
      ALTER TABLE email_tokens_new RENAME TO email_tokens;
      CREATE INDEX email_tokens_user ON email_tokens (user_id, purpose);
    `);
  },
};
