import type { Database } from 'better-sqlite3';
import { contractLogCutoff, contractLogRetainUntil } from '../../contracts/contractLogRetention.js';
import type {
  Contract,
  ContractLogEntry,
  ContractRepo,
  OperatorAuditEntry,
  OperatorAuditRepo,
  WorkspaceDeletion,
  WorkspaceDeletionRepo,
} from '../store.js';

interface LogRow {
  id: string;
  workspace_id: string;
  at: string;
  type: ContractLogEntry['type'];
  actor: string;
  detail: string;
}
const toLogEntry = (r: LogRow): ContractLogEntry => ({
  id: r.id,
  workspaceId: r.workspace_id,
  at: r.at,
  type: r.type,
  actor: JSON.parse(r.actor),
  detail: JSON.parse(r.detail),
});

/** Contracts and the append-only contract log (migration 011's triggers back the repository's rules). */
export function sqliteContracts(db: Database): ContractRepo {
  return {
    async get(workspaceId) {
      const r = db
        .prepare<[string], { holder: string | null; billing: string; updated_at: string }>(
          'SELECT holder, billing, updated_at FROM contracts WHERE workspace_id = ?',
        )
        .get(workspaceId);
      return (
        r && {
          workspaceId,
          holder: r.holder ? JSON.parse(r.holder) : null,
          billing: JSON.parse(r.billing),
          updatedAt: r.updated_at,
        }
      );
    },
    async put(c: Contract) {
      db.prepare(
        `INSERT INTO contracts (workspace_id, holder, billing, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(workspace_id) DO UPDATE SET holder = excluded.holder, billing = excluded.billing,
           updated_at = excluded.updated_at`,
      ).run(
        c.workspaceId,
        c.holder ? JSON.stringify(c.holder) : null,
        JSON.stringify(c.billing),
        c.updatedAt,
      );
    },
    async appendLog(e) {
      // A plain INSERT: an existing id fails on the primary key instead of being replaced.
      db.prepare(
        `INSERT INTO contract_log (id, workspace_id, at, retain_until, type, actor, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        e.id,
        e.workspaceId,
        e.at,
        contractLogRetainUntil(new Date(e.at)).toISOString(),
        e.type,
        JSON.stringify(e.actor),
        JSON.stringify(e.detail),
      );
    },
    async listLog(workspaceId, limit) {
      return db
        .prepare<[string, number], LogRow>(
          'SELECT * FROM contract_log WHERE workspace_id = ? ORDER BY at DESC, id DESC LIMIT ?',
        )
        .all(workspaceId, limit)
        .map(toLogEntry);
    },
    async pruneLog(now, limit) {
      // `at` (not retain_until) decides here, through the pure policy; the trigger is the backstop.
      const cutoff = contractLogCutoff(now).toISOString();
      return db
        .prepare(
          'DELETE FROM contract_log WHERE id IN (SELECT id FROM contract_log WHERE at <= ? ORDER BY at LIMIT ?)',
        )
        .run(cutoff, limit).changes;
    },
    async eraseWorkspace(workspaceId) {
      const n = db.prepare('DELETE FROM contracts WHERE workspace_id = ?').run(workspaceId).changes;
      return { contracts: n };
    },
  };
}

interface AuditRow {
  id: string;
  at: string;
  operator: string;
  action: string;
  workspace_id: string | null;
  reason: string;
  ip: string | null;
}
const toAudit = (r: AuditRow): OperatorAuditEntry => ({
  id: r.id,
  at: r.at,
  operator: r.operator,
  action: r.action,
  workspaceId: r.workspace_id,
  reason: r.reason,
  ip: r.ip,
});

/** The operator audit log; migration 011's triggers refuse UPDATE and DELETE. */
export function sqliteOperatorAudit(db: Database): OperatorAuditRepo {
  return {
    async append(e) {
      db.prepare(
        'INSERT INTO operator_audit (id, at, operator, action, workspace_id, reason, ip) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(e.id, e.at, e.operator, e.action, e.workspaceId, e.reason, e.ip);
    },
    async list({ workspaceId, limit }) {
      const rows =
        workspaceId === undefined
          ? db
              .prepare<[number], AuditRow>('SELECT * FROM operator_audit ORDER BY at DESC, id DESC LIMIT ?')
              .all(limit)
          : db
              .prepare<[string, number], AuditRow>(
                'SELECT * FROM operator_audit WHERE workspace_id = ? ORDER BY at DESC, id DESC LIMIT ?',
              )
              .all(workspaceId, limit);
      return rows.map(toAudit);
    },
  };
}

export function sqliteWorkspaceDeletions(db: Database): WorkspaceDeletionRepo {
  return {
    async get(workspaceId) {
      const r = db
        .prepare<[string], { data: string }>('SELECT data FROM workspace_deletions WHERE workspace_id = ?')
        .get(workspaceId);
      return r && (JSON.parse(r.data) as WorkspaceDeletion);
    },
    async put(d) {
      db.prepare(
        `INSERT INTO workspace_deletions (workspace_id, state, erase_after, data) VALUES (?, ?, ?, ?)
         ON CONFLICT(workspace_id) DO UPDATE SET state = excluded.state, erase_after = excluded.erase_after,
           data = excluded.data`,
      ).run(d.workspaceId, d.state, d.eraseAfter, JSON.stringify(d));
    },
    async listDue(now, limit) {
      return db
        .prepare<[string, number], { data: string }>(
          `SELECT data FROM workspace_deletions WHERE state = 'closed' AND erase_after <= ?
           ORDER BY erase_after LIMIT ?`,
        )
        .all(now.toISOString(), limit)
        .map((r) => JSON.parse(r.data) as WorkspaceDeletion);
    },
  };
}
