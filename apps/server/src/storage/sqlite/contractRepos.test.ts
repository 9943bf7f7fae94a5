import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeContractsContract } from '../contracts/contracts.contract.js';
import { SqliteStore } from './sqliteStore.js';

const open = async () => {
  const store = new SqliteStore(':memory:');
  await store.migrate();
  return store;
};

describeContractsContract('sqlite', open);

describe('SQLite contract log and operator audit: the database itself refuses changes', () => {
  it('an UPDATE of a contract-log entry is refused, and a DELETE before its 8 years', async () => {
    const store = await open();
    const id = randomUUID();
    await store.contracts.appendLog({
      id,
      workspaceId: 'w',
      at: new Date().toISOString(),
      type: 'plan_changed',
      actor: { kind: 'operator', name: 'ops' },
      detail: { to: 'team' },
    });
    expect(() => store.db.prepare(`UPDATE contract_log SET detail = '{}' WHERE id = ?`).run(id)).toThrow(
      /cannot be changed/,
    );
    expect(() => store.db.prepare('DELETE FROM contract_log WHERE id = ?').run(id)).toThrow(/kept 8 years/);
    expect(await store.contracts.listLog('w', 10)).toHaveLength(1);
    await store.close();
  });

  it('an UPDATE or DELETE of an operator audit entry is refused', async () => {
    const store = await open();
    const id = randomUUID();
    await store.operatorAudit.append({
      id,
      at: new Date().toISOString(),
      operator: 'ops',
      action: 'stats.read',
      workspaceId: null,
      reason: 'incident 7',
      ip: null,
    });
    expect(() => store.db.prepare(`UPDATE operator_audit SET reason = 'x' WHERE id = ?`).run(id)).toThrow();
    expect(() => store.db.prepare('DELETE FROM operator_audit WHERE id = ?').run(id)).toThrow();
    expect(await store.operatorAudit.list({ limit: 10 })).toHaveLength(1);
    await store.close();
  });
});
