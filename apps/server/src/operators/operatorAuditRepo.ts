/** One operator request (R22): who, what, which workspace, why, when, from where. Never altered. */
export interface OperatorAuditEntry {
  id: string;
  at: string;
  /** The operator's configured name (`OPS_TOKENS`), e.g. "ops". */
  operator: string;
  /** What was read or done, e.g. `contract.read`, `stats.read`, `plan.change`. */
  action: string;
  workspaceId: string | null;
  reason: string;
  ip: string | null;
}

/** The operator audit log: append-only (no update, no delete on either engine). */
export interface OperatorAuditRepo {
  /** Fails when an entry with its id exists. */
  append(entry: OperatorAuditEntry): Promise<void>;
  /** Newest first; only one workspace's entries when `workspaceId` is given. */
  list(filter: { workspaceId?: string; limit: number }): Promise<OperatorAuditEntry[]>;
}
