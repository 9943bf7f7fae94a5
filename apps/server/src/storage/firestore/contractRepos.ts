import type { DocumentData } from 'firebase-admin/firestore';
import { contractLogCutoff, contractLogRetainUntil } from '../../contracts/contractLogRetention.js';
import type {
  ContractLogEntry,
  ContractRepo,
  OperatorAuditEntry,
  OperatorAuditRepo,
  WorkspaceDeletion,
  WorkspaceDeletionRepo,
} from '../store.js';
import type { FsContext } from './context.js';
import { globalDoc } from './paths.js';

/**
 * Top-level collections, outside `workspaces/{ws}`: the contract log must outlive the workspace's erasure
 * (which deletes its subtree). `contracts/{ws}` holder + billing; `contractLog/{id}` the append-only log
 * (`create` only: an existing id fails; the only delete is `pruneLog`, after 8 years).
 */
export function firestoreContracts(ctx: FsContext): ContractRepo {
  const log = () => ctx.db.collection('contractLog');
  return {
    async get(workspaceId) {
      const snap = await ctx.get(globalDoc(ctx.db, 'contracts', workspaceId));
      const d = snap.data();
      return d && { workspaceId, holder: d.holder ?? null, billing: d.billing ?? [], updatedAt: d.updatedAt };
    },
    async put(c) {
      await ctx.set(globalDoc(ctx.db, 'contracts', c.workspaceId), {
        workspaceId: c.workspaceId,
        holder: c.holder,
        billing: c.billing,
        updatedAt: c.updatedAt,
      });
    },
    async appendLog(e) {
      await ctx.create(globalDoc(ctx.db, 'contractLog', e.id), {
        ...e,
        retainUntil: contractLogRetainUntil(new Date(e.at)).toISOString(),
      });
    },
    async listLog(workspaceId, limit) {
      const snap = await ctx.get(
        log().where('workspaceId', '==', workspaceId).orderBy('at', 'desc').limit(limit),
      );
      return snap.docs.map((d) => toLogEntry(d.data()));
    },
    async pruneLog(now, limit) {
      ctx.assertNotInTransaction('contracts.pruneLog');
      const cutoff = contractLogCutoff(now).toISOString();
      const snap = await ctx.get(log().where('at', '<=', cutoff).orderBy('at').limit(Math.min(limit, 500)));
      if (snap.empty) return 0;
      const batch = ctx.db.batch();
      for (const d of snap.docs) batch.delete(d.ref);
      await batch.commit();
      return snap.size;
    },
    async eraseWorkspace(workspaceId) {
      const ref = globalDoc(ctx.db, 'contracts', workspaceId);
      const existed = (await ctx.get(ref)).exists;
      if (existed) await ctx.delete(ref);
      return { contracts: existed ? 1 : 0 };
    },
  };
}

const toLogEntry = (d: DocumentData): ContractLogEntry => ({
  id: d.id,
  workspaceId: d.workspaceId,
  at: d.at,
  type: d.type,
  actor: d.actor,
  detail: d.detail ?? {},
});

/** `operatorAudit/{id}`: created once, never updated or deleted by any repository method. */
export function firestoreOperatorAudit(ctx: FsContext): OperatorAuditRepo {
  const col = () => ctx.db.collection('operatorAudit');
  return {
    async append(e) {
      await ctx.create(globalDoc(ctx.db, 'operatorAudit', e.id), { ...e });
    },
    async list({ workspaceId, limit }) {
      const q =
        workspaceId === undefined
          ? col().orderBy('at', 'desc').limit(limit)
          : col().where('workspaceId', '==', workspaceId).orderBy('at', 'desc').limit(limit);
      const snap = await ctx.get(q);
      return snap.docs.map((d) => d.data() as OperatorAuditEntry);
    },
  };
}

/** `workspaceDeletions/{ws}`: the deletion's state, grace period and erasure counts. */
export function firestoreWorkspaceDeletions(ctx: FsContext): WorkspaceDeletionRepo {
  return {
    async get(workspaceId) {
      const snap = await ctx.get(globalDoc(ctx.db, 'workspaceDeletions', workspaceId));
      return snap.exists ? (snap.data() as WorkspaceDeletion) : undefined;
    },
    async put(d) {
      await ctx.set(globalDoc(ctx.db, 'workspaceDeletions', d.workspaceId), { ...d });
    },
    async listDue(now, limit) {
      const snap = await ctx.get(
        ctx.db
          .collection('workspaceDeletions')
          .where('state', '==', 'closed')
          .where('eraseAfter', '<=', now.toISOString())
          .orderBy('eraseAfter')
          .limit(limit),
      );
      return snap.docs.map((d) => d.data() as WorkspaceDeletion);
    },
  };
}
