import { randomUUID } from 'node:crypto';
import type { ContractActor, RestorableWorkspace, WorkspaceDeletionView } from '@tsudoi/protocol';
import type { MembershipRepo } from '../../auth/accountStore.js';
import type { Clock } from '../../clock.js';
import type { ContractRepo } from '../../contracts/contractRepo.js';
import { AppError } from '../../errors.js';
import type { UnitOfWork } from '../../unitOfWork.js';
import type { WorkspaceRepo } from '../workspaceRepo.js';
import { eraseAfter, restorable } from './deletionPolicy.js';
import type { WorkspaceDeletion, WorkspaceDeletionRepo } from './deletionRepo.js';
import type { WorkspaceErasure } from './workspaceErasure.js';

type Repos = {
  workspaces: WorkspaceRepo;
  contracts: ContractRepo;
  workspaceDeletions: WorkspaceDeletionRepo;
};

export interface WorkspaceDeletionDeps {
  repos: Repos;
  tx: UnitOfWork<Repos>;
  erasure: WorkspaceErasure;
  /** For an owner's list of their deleted workspaces. */
  memberships: Pick<MembershipRepo, 'listByUser'>;
  clock: Clock;
  /** Announced after a close: the realtime layer decides the workspace's open connections again (ending them). */
  closed(workspaceId: string): void;
}

const view = (d: WorkspaceDeletion): WorkspaceDeletionView => {
  const { requestedBy: _, cause: __, ...v } = d;
  return v;
};

/**
 * Leaving (issue 13): a workspace is closed at once (nobody enters it; open sockets end), restorable
 * during its grace period, then erased by {@link eraseDue} — every domain's data, leaving only the contract
 * log, where the close, restore and erasure (with its counts) are recorded.
 */
export class WorkspaceDeletionService {
  constructor(private readonly d: WorkspaceDeletionDeps) {}

  /**
   * Closes the workspace. `confirmName` (the owner's re-confirmation) must equal its name when given; an
   * operator closes at the end of a contract without it.
   */
  async close(
    workspaceId: string,
    by: ContractActor,
    cause: WorkspaceDeletion['cause'],
    confirmName?: string,
  ): Promise<WorkspaceDeletionView> {
    const now = this.d.clock();
    const deletion: WorkspaceDeletion = {
      workspaceId,
      state: 'closed',
      requestedAt: now.toISOString(),
      requestedBy: by,
      cause,
      eraseAfter: eraseAfter(now).toISOString(),
    };
    const logId = randomUUID();
    await this.d.tx.transaction(async (tx) => {
      const ws = await tx.workspaces.get(workspaceId);
      if (!ws || ws.closedAt) throw AppError.notFound('Workspace not found.');
      if (confirmName !== undefined && confirmName.trim() !== ws.name)
        throw new AppError('CONFIRMATION_MISMATCH', 'Type the workspace name exactly to delete it.');
      await tx.workspaces.update(workspaceId, { closedAt: deletion.requestedAt });
      await tx.workspaceDeletions.put(deletion);
      await tx.contracts.appendLog({
        id: logId,
        workspaceId,
        at: deletion.requestedAt,
        type: 'workspace_closed',
        actor: by,
        detail: { cause, eraseAfter: deletion.eraseAfter },
      });
    });
    this.d.closed(workspaceId);
    return view(deletion);
  }

  /** Reopens a closed workspace within its grace period (NOT_RESTORABLE otherwise). */
  async restore(workspaceId: string, by: ContractActor): Promise<WorkspaceDeletionView> {
    const now = this.d.clock().toISOString();
    const logId = randomUUID();
    return this.d.tx.transaction(async (tx) => {
      const d = await tx.workspaceDeletions.get(workspaceId);
      const ws = await tx.workspaces.get(workspaceId);
      if (!d || !ws?.closedAt || !restorable(d, new Date(now)))
        throw new AppError('NOT_RESTORABLE', 'This workspace is not awaiting erasure.');
      await tx.workspaces.update(workspaceId, { closedAt: null });
      const next: WorkspaceDeletion = { ...d, state: 'restored', restoredAt: now };
      await tx.workspaceDeletions.put(next);
      await tx.contracts.appendLog({
        id: logId,
        workspaceId,
        at: now,
        type: 'workspace_restored',
        actor: by,
        detail: {},
      });
      return view(next);
    });
  }

  /** The closed workspaces `userId` actively owns and may still restore, soonest erasure first. */
  async restorableFor(userId: string): Promise<RestorableWorkspace[]> {
    const owned = (await this.d.memberships.listByUser(userId)).filter(
      (m) => m.role === 'owner' && m.status === 'active',
    );
    const closed = (await this.d.repos.workspaces.listByIds(owned.map((m) => m.workspaceId))).filter(
      (w) => w.closedAt,
    );
    const now = this.d.clock();
    const out: RestorableWorkspace[] = [];
    for (const w of closed) {
      const d = await this.d.repos.workspaceDeletions.get(w.id);
      if (d && restorable(d, now)) out.push({ id: w.id, name: w.name, eraseAfter: d.eraseAfter });
    }
    return out.sort((a, b) => a.eraseAfter.localeCompare(b.eraseAfter));
  }

  async status(workspaceId: string): Promise<WorkspaceDeletionView | undefined> {
    const d = await this.d.repos.workspaceDeletions.get(workspaceId);
    return d && view(d);
  }

  /** Erases every closed workspace whose grace period is over; returns what each erasure removed. */
  async eraseDue(limit = 20): Promise<Array<{ workspaceId: string; counts: Record<string, number> }>> {
    const done: Array<{ workspaceId: string; counts: Record<string, number> }> = [];
    for (const d of await this.d.repos.workspaceDeletions.listDue(this.d.clock(), limit)) {
      done.push({ workspaceId: d.workspaceId, counts: await this.#erase(d) });
    }
    return done;
  }

  /** Erasers first (idempotent: a crash before the record below means the next run erases again). */
  async #erase(d: WorkspaceDeletion): Promise<Record<string, number>> {
    const counts = await this.d.erasure.erase(d.workspaceId);
    const now = this.d.clock().toISOString();
    const logId = randomUUID();
    await this.d.tx.transaction(async (tx) => {
      await tx.workspaceDeletions.put({ ...d, state: 'erased', erasedAt: now, counts });
      await tx.contracts.appendLog({
        id: logId,
        workspaceId: d.workspaceId,
        at: now,
        type: 'workspace_erased',
        actor: { kind: 'system', name: 'erasure' },
        detail: { counts },
      });
    });
    return counts;
  }
}
