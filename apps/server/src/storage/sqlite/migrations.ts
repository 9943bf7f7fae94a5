import type { Database } from 'better-sqlite3';
import { m001Foundation } from './migrations/001-foundation.js';
import { m002Accounts } from './migrations/002-accounts.js';
import { m003Rooms } from './migrations/003-rooms.js';
import { m004Messages } from './migrations/004-messages.js';
import { m005PasswordReset } from './migrations/005-password-reset.js';
import { m006MessageCounters } from './migrations/006-message-counters.js';
import { m007AccessLogChain } from './migrations/007-access-log-chain.js';
import { m008Sso } from './migrations/008-sso.js';
import { m009Images } from './migrations/009-images.js';
import { m010DataKeys } from './migrations/010-data-keys.js';
import { m011Contracts } from './migrations/011-contracts.js';
import { m012Maintenance } from './migrations/012-maintenance.js';
import { m013Placement } from './migrations/013-placement.js';

/** A schema change. Versions increase; a released migration is never edited. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

/**
 * The SQLite schema, oldest first; each domain's migration lives in `migrations/NNN-domain.ts`.
 * Every table holding tenant data has `workspace_id`; queries on it always filter by it.
 */
export const MIGRATIONS: Migration[] = [
  m001Foundation,
  m002Accounts,
  m003Rooms,
  m004Messages,
  m005PasswordReset,
  m006MessageCounters,
  m007AccessLogChain,
  m008Sso,
  m009Images,
  m010DataKeys,
  m011Contracts,
  m012Maintenance,
  m013Placement,
];
