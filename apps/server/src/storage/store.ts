import type { AccountStore } from '../auth/accountStore.js';
import type { MessageRepo } from '../chat/messageRepo.js';
import type { RoomRepo } from '../rooms/roomRepo.js';
import type { WorkspaceSecurity } from '../workspaces/security.js';

/**
 * The storage interface. Two engines implement it: the embedded default (SQLite, `sqlite/`) and the
 * scale-out document store (Firestore). It is shaped for both: small repositories with async methods,
 * no SQL leaking out, every tenant record keyed by `workspaceId`, and no cross-repository transactions
 * beyond what each method does atomically itself. `store.contract.ts` is the suite both must pass.
 */

export type Plan = 'free' | 'team' | 'enterprise';

export interface Workspace {
  id: string;
  name: string;
  plan: Plan;
  /** IANA time zone; the 1:00 a.m. retention job runs in it. */
  timeZone: string;
  createdAt: string;
  /** Password policy and MFA requirement; defaults apply where unset. */
  security?: Partial<WorkspaceSecurity>;
}

export interface WorkspaceRepo {
  create(ws: Workspace): Promise<void>;
  get(id: string): Promise<Workspace | undefined>;
  update(
    id: string,
    patch: Partial<Pick<Workspace, 'name' | 'plan' | 'timeZone' | 'security'>>,
  ): Promise<Workspace | undefined>;
  listByIds(ids: readonly string[]): Promise<Workspace[]>;
}

/** One access-log event (R14): sign-ins, failures, room enter/leave, admin actions. Times are UTC ISO. */
export interface AccessLogEvent {
  id: string;
  /** Null for events not tied to a workspace (e.g. a failed sign-in of an unknown email). */
  workspaceId: string | null;
  userId: string | null;
  type: string;
  at: string;
  ip: string | null;
  userAgent: string | null;
  /** Small, content-free details (never passwords, codes or message text). */
  detail: Record<string, string | number | boolean | null>;
}

export interface AccessLogQuery {
  workspaceId: string;
  userId?: string;
  type?: string;
  from?: string;
  to?: string;
  limit?: number;
}

export interface AccessLogRepo {
  append(event: AccessLogEvent): Promise<void>;
  /** Newest first, always scoped to one workspace. */
  list(query: AccessLogQuery): Promise<AccessLogEvent[]>;
}

/**
 * Named leases so that only one server instance runs a job at a time (e.g. the 1:00 a.m. purge).
 * A lease is held until `expiresAt`; the holder may renew it, others may take it once it expired.
 */
export interface LeaseRepo {
  tryAcquire(name: string, holder: string, now: Date, ttlMs: number): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
}

/** Key/value facts about the store itself (e.g. when a job last ran). */
export interface MetaRepo {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

export interface MigrationReport {
  /** Versions applied by this call, in order; empty when the store was already current. */
  applied: number[];
  current: number;
}

export interface Store {
  readonly kind: 'sqlite' | 'firestore';
  /** Brings the schema up to date; safe to call on every start-up and from several processes. */
  migrate(): Promise<MigrationReport>;
  readonly workspaces: WorkspaceRepo;
  readonly accessLog: AccessLogRepo;
  readonly leases: LeaseRepo;
  readonly meta: MetaRepo;
  readonly rooms: RoomRepo;
  readonly accounts: AccountStore;
  /** Room conversations and workspace threads (R6, R7). */
  readonly messages: MessageRepo;
  /**
   * Makes rows deleted so far unreadable from the store's files (R8: deletion is real on disk), e.g.
   * SQLite checkpoints its WAL into the main file (whose freed bytes `secure_delete` zeroed) and truncates it.
   * The purge calls it after deleting; it must not stall the event loop waiting for other readers.
   */
  flushDeletions(): Promise<void>;
  /** Idempotent. */
  close(): Promise<void>;
}
