import type { Migration } from '../migrations.js';

/**
 * Single sign-on state that every instance must see (R11, sso/ssoRepo.ts): the email domains routed to a
 * workspace's IdP (a domain belongs to one workspace: the primary key), the AuthnRequests sent and the
 * assertion ids accepted (both pruned by time); a sign-in challenge records the session method its email
 * code completes (`via`: an IdP sign-in that also needs the code).
 */
export const m008Sso: Migration = {
  version: 8,
  name: 'sso domains, requests, replay cache; challenge via',
  up(db) {
    db.exec(`
      CREATE TABLE sso_domains (
        domain TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL
      );
      CREATE INDEX sso_domains_by_workspace ON sso_domains (workspace_id, domain);
      CREATE TABLE sso_requests (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        browser_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        used_at INTEGER
      );
      CREATE INDEX sso_requests_by_created ON sso_requests (created_at);
      CREATE TABLE sso_assertions (
        id TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX sso_assertions_by_expiry ON sso_assertions (expires_at);
      ALTER TABLE signin_challenges ADD COLUMN via TEXT;
    `);
  },
};
