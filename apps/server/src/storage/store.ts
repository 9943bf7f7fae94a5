import type { AccessLogRepo } from '../audit/accessLogRepo.js';
import type { AccountStore } from '../auth/accountStore.js';
import type { MessageRepo } from '../chat/messageRepo.js';
import type { ContractRepo } from '../contracts/contractRepo.js';
import type { ImageRepo } from '../images/imageRepo.js';
import type { LeaseRepo, MetaRepo } from '../jobs/jobRepos.js';
import type { OperatorAuditRepo } from '../operators/operatorAuditRepo.js';
import type { MaintenanceRepo } from '../ops/maintenanceRepo.js';
import type { RoomRepo } from '../rooms/roomRepo.js';
import type { SsoRepo } from '../sso/ssoRepo.js';
import type { UnitOfWork as DomainUnitOfWork } from '../unitOfWork.js';
import type { WorkspaceDeletionRepo } from '../workspaces/deletion/deletionRepo.js';
import type { WorkspaceEraser } from '../workspaces/deletion/eraser.js';
import type { WorkspaceRepo } from '../workspaces/workspaceRepo.js';

/**
 * The storage interface. Two engines implement it: the embedded default (SQLite, `sqlite/`) and the
 * scale-out document store (Firestore, `firestore/`). Each domain owns its repository interfaces
 * (`workspaces/workspaceRepo.ts`, `audit/accessLogRepo.ts`, `jobs/jobRepos.ts`, `auth/accountStore.ts`,
 * `chat/messageRepo.ts`, `rooms/roomRepo.ts`, `sso/ssoRepo.ts`); this file composes them and re-exports every type, so engine
 * code imports from `../store.js` only. Domains never import from `storage/`: services receive the narrow
 * repositories they use from the composition root (`app.ts`). `store.contract.ts` is the suite both engines
 * must pass; `unitOfWork.contract.ts` covers `transaction`.
 */

export type * from '../audit/accessLogRepo.js';
export type * from '../auth/accountStore.js';
export type * from '../chat/messageRepo.js';
export type * from '../contracts/contractRepo.js';
export type * from '../images/imageRepo.js';
export type * from '../jobs/jobRepos.js';
export type * from '../operators/operatorAuditRepo.js';
export type * from '../ops/maintenanceRepo.js';
export type * from '../rooms/roomRepo.js';
export type * from '../sso/ssoRepo.js';
export type * from '../workspaces/deletion/deletionRepo.js';
export type * from '../workspaces/deletion/eraser.js';
export type * from '../workspaces/workspaceRepo.js';

/** Every repository of a store; inside `transaction` the same shape is bound to the open transaction. */
export interface Repos {
  readonly workspaces: WorkspaceRepo;
  readonly accessLog: AccessLogRepo;
  readonly leases: LeaseRepo;
  readonly meta: MetaRepo;
  readonly rooms: RoomRepo;
  readonly accounts: AccountStore;
  /** Room conversations and workspace threads (R6, R7). */
  readonly messages: MessageRepo;
  /** Single sign-on: email domains, AuthnRequests, the assertion replay cache (R11). */
  readonly sso: SsoRepo;
  /** Contract holder, billing history and the 8-year contract change log (R17). */
  readonly contracts: ContractRepo;
  /** Every operator request with its reason (R22); append-only. */
  readonly operatorAudit: OperatorAuditRepo;
  /** Deleted workspaces awaiting erasure, and the erasure counts. */
  readonly workspaceDeletions: WorkspaceDeletionRepo;
  /** Profile and workspace images, pending message images (R16). */
  readonly images: ImageRepo;
  /** Planned maintenance windows added or cancelled by operators (R21); service-wide. */
  readonly maintenance: MaintenanceRepo;
}

/**
 * Runs several writes as one: all writes made through `tx` inside `fn` commit together, or none do when
 * `fn` throws (the error is rethrown as is). Rules for `fn`:
 * - it may run more than once (a document store retries on contention): no side effects except through
 *   `tx` (no mail, no events, no in-memory counters) — do those after `transaction` resolves;
 * - reads before writes (a document store refuses a read after a write);
 * - it awaits only `tx` calls (no timers, I/O or hashing): the SQLite engine rejects with
 *   `Error('TX_AWAITED_OUTSIDE_STORE')` and rolls back when `fn` is still pending at the end of the macrotask;
 * - no bulk deletes (`messages.deleteMessages`, purge methods) inside it.
 * Methods that are atomic on their own (e.g. `challenges.recordCodeFailure`) join the outer transaction
 * when called on `tx`. Services declare the narrow `R` they touch (`../unitOfWork.ts`).
 */
export type UnitOfWork<R = Repos> = DomainUnitOfWork<R>;

export interface MigrationReport {
  /** Versions applied by this call, in order; empty when the store was already current. */
  applied: number[];
  current: number;
}

export interface Store extends Repos, UnitOfWork {
  readonly kind: 'sqlite' | 'firestore';
  /** Brings the schema up to date; safe to call on every start-up and from several processes. */
  migrate(): Promise<MigrationReport>;
  /**
   * Makes rows deleted so far unreadable from the store's files (R8: deletion is real on disk), e.g.
   * SQLite checkpoints its WAL into the main file (whose freed bytes `secure_delete` zeroed) and truncates it.
   * The purge calls it after deleting; it must not stall the event loop waiting for other readers.
   */
  flushDeletions(): Promise<void>;
  /**
   * One cheap read that proves the store answers (GET /healthz, R21); rejects when it does not, or when the
   * store is closed. The caller bounds the wait (a Firestore read may otherwise retry for minutes).
   */
  ping(): Promise<void>;
  /**
   * The engine's per-domain erasers of a workspace's rows or documents, the `workspace` record last
   * (workspaces/deletion/workspaceErasure.ts runs them; file and key erasers are added beside them).
   */
  readonly erasers: readonly WorkspaceEraser[];
  /** Idempotent. */
  close(): Promise<void>;
}
