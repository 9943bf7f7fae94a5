import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AccessLogRepo } from '../audit/accessLogRepo.js';
import type { AuditLog } from '../audit/auditLog.js';
import type { MembershipRepo } from '../auth/accountStore.js';
import type { SessionService } from '../auth/sessionService.js';
import type { Clock } from '../clock.js';
import type { DataKeys } from '../crypto/dataKeys.js';
import type { LeaseRepo } from '../jobs/jobRepos.js';
import type { OperatorAuditRepo } from '../operators/operatorAuditRepo.js';
import { OperatorGate } from '../operators/operatorAuth.js';
import { operatorRoutes } from '../operators/operatorRoutes.js';
import type { OperatorCredential } from '../operators/operatorTokens.js';
import type { RetentionLogger } from '../retention/purger.js';
import type { UnitOfWork } from '../unitOfWork.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import { dataKeyEraser } from '../workspaces/deletion/dataKeyEraser.js';
import type { WorkspaceDeletionRepo } from '../workspaces/deletion/deletionRepo.js';
import { deletionRoutes } from '../workspaces/deletion/deletionRoutes.js';
import { DeletionScheduler } from '../workspaces/deletion/deletionScheduler.js';
import type { WorkspaceEraser } from '../workspaces/deletion/eraser.js';
import { fileTreeEraser } from '../workspaces/deletion/fileTreeEraser.js';
import { WorkspaceDeletionService } from '../workspaces/deletion/workspaceDeletionService.js';
import { WorkspaceErasure } from '../workspaces/deletion/workspaceErasure.js';
import type { WorkspaceRepo } from '../workspaces/workspaceRepo.js';
import type { ContractRepo } from './contractRepo.js';
import { contractRoutes } from './contractRoutes.js';
import { ContractService } from './contractService.js';

type Repos = {
  workspaces: WorkspaceRepo;
  contracts: ContractRepo;
  workspaceDeletions: WorkspaceDeletionRepo;
};

export interface ContractsWiringDeps {
  repos: Repos & {
    operatorAudit: OperatorAuditRepo;
    accessLog: Pick<AccessLogRepo, 'list'>;
    leases: LeaseRepo;
    memberships: Pick<MembershipRepo, 'get' | 'listByUser'>;
  };
  tx: UnitOfWork<Repos>;
  /** The store engine's erasers (`store.erasers`) and its `flushDeletions`. */
  erasers: readonly WorkspaceEraser[];
  /** Other domains' erasers (images: records + files); they run before the leftover files and the key. */
  domainErasers?: readonly WorkspaceEraser[];
  /** Crypto-shredding: the workspace's data key goes with it. */
  dataKeys: Pick<DataKeys, 'existingKey' | 'destroy'>;
  flushDeletions: () => Promise<void>;
  dataDir: string;
  operators: readonly OperatorCredential[];
  access: WorkspaceAccess;
  sessions: SessionService;
  audit: AuditLog;
  clock: Clock;
  log: RetentionLogger;
}

/**
 * Contract management, operators and leaving, wired onto the HTTP server (one call from app.ts). Returns
 * the operator gate (for other operator endpoints), the erasure (its `add` is the hook other domains use
 * to erase their part of a workspace: image files, data keys), and the scheduler to start and stop.
 */
export function wireContracts(http: FastifyInstance, d: ContractsWiringDeps) {
  const gate = new OperatorGate({ operators: d.operators, audit: d.repos.operatorAudit, clock: d.clock });
  const contracts = new ContractService({ repos: d.repos, tx: d.tx, clock: d.clock });
  // Message attachment files live under <DATA_DIR>/blobs/<workspaceId>/ on both engines.
  const erasure = new WorkspaceErasure(
    [
      ...d.erasers,
      ...(d.domainErasers ?? []),
      fileTreeEraser('files', path.join(d.dataDir, 'blobs')),
      dataKeyEraser(d.dataKeys),
    ],
    d.flushDeletions,
  );
  const deletions = new WorkspaceDeletionService({
    repos: d.repos,
    tx: d.tx,
    erasure,
    memberships: d.repos.memberships,
    clock: d.clock,
    closed: (workspaceId) => d.access.rulesChanged({ workspaceId }),
  });
  const scheduler = new DeletionScheduler({
    deletions,
    repos: { leases: d.repos.leases, contracts: d.repos.contracts },
    log: d.log,
    clock: d.clock,
  });
  contractRoutes(http, { contracts, sessions: d.sessions, access: d.access });
  deletionRoutes(http, {
    deletions,
    sessions: d.sessions,
    access: d.access,
    memberships: d.repos.memberships,
  });
  operatorRoutes(http, {
    gate,
    contracts,
    deletions,
    operatorAudit: d.repos.operatorAudit,
    accessLog: d.repos.accessLog,
    plan: { tx: d.tx, audit: d.audit, clock: d.clock },
  });
  return { gate, contracts, deletions, erasure, scheduler };
}
