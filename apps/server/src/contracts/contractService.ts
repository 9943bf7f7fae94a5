import { randomUUID } from 'node:crypto';
import {
  type BillingEntryInput,
  CONTRACT_LOG_RETENTION_YEARS,
  type ContractActor,
  type ContractHolder,
  type ContractView,
} from '@tsudoi/protocol';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import type { UnitOfWork } from '../unitOfWork.js';
import type { WorkspaceRepo } from '../workspaces/workspaceRepo.js';
import type { Contract, ContractLogEntry, ContractRepo } from './contractRepo.js';

/** The most log entries one view shows (about 8 years of monthly billing and a few changes). */
export const CONTRACT_LOG_VIEW_LIMIT = 500;

type Repos = { workspaces: WorkspaceRepo; contracts: ContractRepo };

/**
 * Contract management (R17): operators set the holder and add billing entries; each change and its
 * contract-log entry are one unit of work. The owner (and an operator, audited) reads the whole of it.
 */
export class ContractService {
  constructor(private readonly d: { repos: Repos; tx: UnitOfWork<Repos>; clock: Clock }) {}

  async view(workspaceId: string): Promise<ContractView> {
    const ws = await this.d.repos.workspaces.get(workspaceId);
    if (!ws) throw AppError.notFound('Workspace not found.');
    const [contract, log] = await Promise.all([
      this.d.repos.contracts.get(workspaceId),
      this.d.repos.contracts.listLog(workspaceId, CONTRACT_LOG_VIEW_LIMIT),
    ]);
    return {
      plan: ws.plan,
      holder: contract?.holder ?? null,
      billing: contract?.billing ?? [],
      log: log.map(({ workspaceId: _, ...e }) => e),
      retentionYears: CONTRACT_LOG_RETENTION_YEARS,
    };
  }

  setHolder(workspaceId: string, holder: ContractHolder, actor: ContractActor): Promise<Contract> {
    return this.#change(workspaceId, actor, (c) => ({
      next: { ...c, holder },
      type: 'holder_changed',
      detail: { from: c.holder, to: holder },
    }));
  }

  addBilling(workspaceId: string, entry: BillingEntryInput, actor: ContractActor): Promise<Contract> {
    const billed = { ...entry, id: randomUUID(), recordedAt: this.d.clock().toISOString() };
    return this.#change(workspaceId, actor, (c) => ({
      next: { ...c, billing: [...c.billing, billed] },
      type: 'billing_added',
      detail: { entry: billed },
    }));
  }

  /** Reads the contract, writes the new one and its log entry, as one unit of work. */
  async #change(
    workspaceId: string,
    actor: ContractActor,
    fn: (c: Contract) => { next: Contract; type: ContractLogEntry['type']; detail: Record<string, unknown> },
  ): Promise<Contract> {
    const at = this.d.clock().toISOString();
    const id = randomUUID();
    return this.d.tx.transaction(async (tx) => {
      const ws = await tx.workspaces.get(workspaceId);
      if (!ws || ws.closedAt) throw AppError.notFound('Workspace not found.');
      const current = (await tx.contracts.get(workspaceId)) ?? {
        workspaceId,
        holder: null,
        billing: [],
        updatedAt: at,
      };
      const { next, type, detail } = fn(current);
      const contract = { ...next, updatedAt: at };
      await tx.contracts.put(contract);
      await tx.contracts.appendLog({ id, workspaceId, at, type, actor, detail });
      return contract;
    });
  }
}
