import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ContractLogEntry } from '../contracts/contractRepo.js';
import { newWorkspace, T0 } from '../storage/contracts/accountFixtures.js';
import { describeContractsContract } from '../storage/contracts/contracts.contract.js';
import { dataKeyRepoOf } from '../storage/dataKeyRepo.js';
import { sealedStore } from '../storage/sealedStore.js';
import { SqliteStore } from '../storage/sqlite/sqliteStore.js';
import type { Store } from '../storage/store.js';
import { describeIfFirestore, firestoreTestStore } from '../testing/firestoreEmulator.js';
import { DataKeys } from './dataKeys.js';
import { parseMasterKey } from './masterKey.js';

/** Contract holders sealed at rest (R19): the contracts contract holds through the sealing view, on both engines. */
const ring = {
  current: parseMasterKey(randomBytes(32).toString('base64')),
  previous: [],
  developmentDefault: false,
};

async function seal<S extends Store>(engine: S): Promise<S> {
  await engine.migrate();
  return sealedStore(engine, new DataKeys(await dataKeyRepoOf(engine), ring, () => new Date()));
}

describeContractsContract('sqlite, sealed', async () => seal(new SqliteStore(':memory:')));
describeIfFirestore('sealed Firestore store (contracts)', () => {
  describeContractsContract('firestore, sealed', async () => seal(await firestoreTestStore()));
});

const holder = {
  companyName: '株式会社サンプル',
  billingContactName: '経理 花子',
  billingContactEmail: 'keiri@example.co.jp',
};
const changed = (ws: string, detail: Record<string, unknown>): ContractLogEntry => ({
  id: randomUUID(),
  workspaceId: ws,
  at: T0,
  type: 'holder_changed',
  actor: { kind: 'operator', name: 'ops' },
  detail,
});

describe('contract holders at rest (SQLite rows)', () => {
  it('stores each holder field sealed, in the contract and in the log; reads them back in clear', async () => {
    const engine = new SqliteStore(':memory:');
    const store = await seal(engine);
    const ws = await newWorkspace(store);
    await store.contracts.put({ workspaceId: ws, holder, billing: [], updatedAt: T0 });
    const entry = changed(ws, { from: null, to: holder });
    await store.contracts.appendLog(entry);
    const rows = JSON.stringify([
      engine.db.prepare('SELECT holder FROM contracts WHERE workspace_id = ?').get(ws),
      engine.db.prepare('SELECT detail FROM contract_log WHERE id = ?').get(entry.id),
    ]);
    for (const v of Object.values(holder)) expect(rows).not.toContain(v);
    expect(rows).toContain('tsd1:');
    expect((await store.contracts.get(ws))?.holder).toEqual(holder);
    expect((await store.contracts.listLog(ws, 5))[0]?.detail).toEqual({ from: null, to: holder });
    // Other detail (a plan change) is left as it is.
    const plan = { ...changed(ws, { from: 'free', to: 'team' }), type: 'plan_changed' as const };
    await store.contracts.appendLog(plan);
    expect(
      JSON.parse(
        (engine.db.prepare('SELECT detail FROM contract_log WHERE id = ?').get(plan.id) as { detail: string })
          .detail,
      ),
    ).toEqual({ from: 'free', to: 'team' });
  });

  it('still reads a holder stored in clear before R19; a sealed holder moved to another entry does not open', async () => {
    const engine = new SqliteStore(':memory:');
    const store = await seal(engine);
    const ws = await newWorkspace(store);
    await engine.contracts.put({ workspaceId: ws, holder, billing: [], updatedAt: T0 });
    const legacy = changed(ws, { from: null, to: holder });
    await engine.contracts.appendLog(legacy);
    expect((await store.contracts.get(ws))?.holder).toEqual(holder);
    expect((await store.contracts.listLog(ws, 5))[0]?.detail).toEqual({ from: null, to: holder });

    const sealedEntry = changed(ws, { from: null, to: holder });
    await store.contracts.appendLog({ ...sealedEntry, at: '2026-12-01T11:00:00.000Z' });
    const stored = (await engine.contracts.listLog(ws, 5)).find((e) => e.id === sealedEntry.id);
    // The same sealed values under another entry's id (a copy made by someone with the database).
    await engine.contracts.appendLog({ ...changed(ws, stored!.detail), at: '2026-12-01T12:00:00.000Z' });
    await expect(store.contracts.listLog(ws, 5)).rejects.toMatchObject({ reason: 'auth-failed' });
  });
});
