/**
 * Contract management (R17) and leaving (workspace deletion): the plan, the contract holder, billing
 * history and the append-only change log an owner may read; operators make the changes.
 */
import { z } from 'zod';

/** The contract change log is kept this long (the seed's contract-log retention), then removed. */
export const CONTRACT_LOG_RETENTION_YEARS = 8;
/** A deleted workspace can be restored this long; then it is erased. */
export const DELETION_GRACE_DAYS = 30;

export const contractHolderSchema = z.object({
  companyName: z.string().trim().min(1).max(200),
  billingContactName: z.string().trim().min(1).max(100),
  billingContactEmail: z.string().trim().email().max(254),
});
export type ContractHolder = z.infer<typeof contractHolderSchema>;

export const billingEntrySchema = z.object({
  /** The billed period, e.g. `2026-11`. */
  period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
  /** In the currency's minor unit (yen have none). */
  amount: z.number().int().min(0).max(1_000_000_000_000),
  currency: z.enum(['JPY', 'USD', 'EUR']),
  description: z.string().trim().max(200).default(''),
});
export type BillingEntryInput = z.infer<typeof billingEntrySchema>;
export interface BillingEntry extends BillingEntryInput {
  id: string;
  recordedAt: string;
}

export const CONTRACT_LOG_TYPES = [
  'plan_changed',
  'holder_changed',
  'billing_added',
  'workspace_closed',
  'workspace_restored',
  'workspace_erased',
] as const;
export type ContractLogType = (typeof CONTRACT_LOG_TYPES)[number];

/** Who made a change: an operator by name, the owner by user id, or the erasure job. */
export interface ContractActor {
  kind: 'operator' | 'owner' | 'system';
  name: string;
}

export interface ContractLogEntryView {
  id: string;
  at: string;
  type: ContractLogType;
  actor: ContractActor;
  detail: Record<string, unknown>;
}

/** `GET /api/workspaces/:id/contract` (owner only). */
export interface ContractView {
  plan: 'free' | 'team' | 'enterprise';
  holder: ContractHolder | null;
  billing: BillingEntry[];
  log: ContractLogEntryView[];
  retentionYears: number;
}

/** `POST /api/workspaces/:id/deletion` (owner): the workspace's name typed again. */
export const deleteWorkspaceSchema = z.object({ confirmName: z.string().max(200) });

/** `GET /api/workspaces/deleted`: the caller's deleted workspaces they may still restore (owners). */
export interface RestorableWorkspace {
  id: string;
  name: string;
  eraseAfter: string;
}

/** A workspace's deletion state. */
export interface WorkspaceDeletionView {
  workspaceId: string;
  state: 'closed' | 'restored' | 'erased';
  requestedAt: string;
  eraseAfter: string;
  restoredAt?: string;
  erasedAt?: string;
  /** Rows, files and keys removed, by domain (after erasure). */
  counts?: Record<string, number>;
}

/** Operators give a reason for every request: header `x-ops-reason` (or `reason` in the body/query). */
export const opsReasonSchema = z.string().trim().min(3).max(500);
