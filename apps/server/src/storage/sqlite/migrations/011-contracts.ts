import type { Migration } from '../migrations.js';

/**
 * Contract management (R17), the operator audit log (R22) and workspace deletion (issue 13, leaving):
 * - `contracts`: a workspace's contract holder and billing history (JSON), erased with the workspace;
 * - `contract_log`: every change, append-only and kept 8 years: triggers refuse any UPDATE, and any DELETE
 *   of an entry whose `retain_until` (its time + 8 years) has not passed by the database's clock;
 * - `operator_audit`: every operator request with its reason; triggers refuse UPDATE and DELETE;
 * - `workspace_deletions`: closed workspaces, their grace period and the erasure counts;
 * - `workspaces.closed_at`: set while a workspace is deleted (nobody may enter it).
 */
export const m011Contracts: Migration = {
  version: 11,
  name: 'contracts, contract log, operator audit, workspace deletions',
  up(db) {
    db.exec(`
      CREATE TABLE contracts (
        workspace_id TEXT PRIMARY KEY,
        holder TEXT,
        billing TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE contract_log (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        at TEXT NOT NULL,
        retain_until TEXT NOT NULL,
        type TEXT NOT NULL,
        actor TEXT NOT NULL,
        detail TEXT NOT NULL
      );
      CREATE INDEX contract_log_by_workspace ON contract_log (workspace_id, at DESC, id DESC);
      CREATE INDEX contract_log_by_retention ON contract_log (retain_until);
      CREATE TRIGGER contract_log_append_only BEFORE UPDATE ON contract_log
      BEGIN SELECT RAISE(ABORT, 'contract log entries cannot be changed'); END;
      CREATE TRIGGER contract_log_retained BEFORE DELETE ON contract_log
      WHEN old.retain_until > strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
      BEGIN SELECT RAISE(ABORT, 'contract log entries are kept 8 years'); END;
      CREATE TABLE operator_audit (
        id TEXT PRIMARY KEY,
        at TEXT NOT NULL,
        operator TEXT NOT NULL,
        action TEXT NOT NULL,
        workspace_id TEXT,
        reason TEXT NOT NULL,
        ip TEXT
      );
      CREATE INDEX operator_audit_by_at ON operator_audit (at DESC, id DESC);
      CREATE INDEX operator_audit_by_workspace ON operator_audit (workspace_id, at DESC, id DESC);
      CREATE TRIGGER operator_audit_no_update BEFORE UPDATE ON operator_audit
      BEGIN SELECT RAISE(ABORT, 'operator audit entries cannot be changed'); END;
      CREATE TRIGGER operator_audit_no_delete BEFORE DELETE ON operator_audit
      BEGIN SELECT RAISE(ABORT, 'operator audit entries cannot be deleted'); END;
      CREATE TABLE workspace_deletions (
        workspace_id TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        erase_after TEXT NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX workspace_deletions_due ON workspace_deletions (state, erase_after);
      ALTER TABLE workspaces ADD COLUMN closed_at TEXT;
    `);
  },
};
