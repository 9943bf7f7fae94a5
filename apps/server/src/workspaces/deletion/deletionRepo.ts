import type { ContractActor } from '@tsudoi/protocol';

/**
 * A workspace's deletion: closed at `requestedAt`, restorable until `eraseAfter`, then erased (the counts
 * of what went are kept here and in the contract log). Holds no names or content of the workspace.
 */
export interface WorkspaceDeletion {
  workspaceId: string;
  state: 'closed' | 'restored' | 'erased';
  requestedAt: string;
  requestedBy: ContractActor;
  /** `owner` (the owner deleted it) or `contract_end` (an operator, at the end of the contract). */
  cause: 'owner' | 'contract_end';
  eraseAfter: string;
  restoredAt?: string;
  erasedAt?: string;
  counts?: Record<string, number>;
}

export interface WorkspaceDeletionRepo {
  get(workspaceId: string): Promise<WorkspaceDeletion | undefined>;
  /** Plain write (read first in the same unit of work). */
  put(d: WorkspaceDeletion): Promise<void>;
  /** Closed workspaces whose grace period ended at `now`, oldest first. */
  listDue(now: Date, limit: number): Promise<WorkspaceDeletion[]>;
}
