import type { BillingEntry, ContractActor, ContractHolder, ContractLogType } from '@tsudoi/protocol';

/** A workspace's current contract: its holder and billing history (the plan stays on the workspace). */
export interface Contract {
  workspaceId: string;
  holder: ContractHolder | null;
  billing: BillingEntry[];
  updatedAt: string;
}

/** One change to a contract, kept 8 years and never altered (R17). */
export interface ContractLogEntry {
  id: string;
  workspaceId: string;
  /** ISO time of the change. */
  at: string;
  type: ContractLogType;
  actor: ContractActor;
  detail: Record<string, unknown>;
}

/**
 * Contracts and their change log. The log is append-only: there is no method that changes an entry, and
 * the only removal is `pruneLog`, which removes entries whose 8 years are over (`contractLogRetention.ts`)
 * and nothing younger. A workspace's erasure removes its contract but never its log.
 */
export interface ContractRepo {
  get(workspaceId: string): Promise<Contract | undefined>;
  /** Plain write of the whole contract (read it first in the same unit of work). */
  put(contract: Contract): Promise<void>;
  /** Adds an entry; fails when an entry with its id exists (no overwrite). Plain write. */
  appendLog(entry: ContractLogEntry): Promise<void>;
  /** A workspace's log, newest first. */
  listLog(workspaceId: string, limit: number): Promise<ContractLogEntry[]>;
  /** Removes entries whose retention ended at `now`, at most `limit`; returns how many went. */
  pruneLog(now: Date, limit: number): Promise<number>;
  /** Erasure of a workspace: its contract (holder, billing) goes, its log stays. */
  eraseWorkspace(workspaceId: string): Promise<Record<string, number>>;
}
