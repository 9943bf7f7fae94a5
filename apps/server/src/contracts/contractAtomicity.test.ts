/**
 * A contract change and its contract-log entry are one unit of work (R17): when the log entry cannot be
 * written, the change does not happen either — no plan, holder or closed workspace without its entry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../testing/apiClient.js';
import { failInNextTransaction, INJECTED } from '../testing/failingTx.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';

const OPS = 'atomic-ops-token-0123456789';
let t: TestApp;
let owner: ApiClient;
let wsId: string;
const ops = () => {
  const c = new ApiClient(t.app.url);
  c.headers.authorization = `Bearer ${OPS}`;
  c.headers['x-ops-reason'] = 'atomicity test';
  return c;
};

beforeAll(async () => {
  t = await startTestApp({ OPS_TOKEN: OPS });
  owner = await t.signedInUser('atomic-contract@example.com');
  wsId = (await owner.post('/api/workspaces', { name: 'Atomic KK' })).body.id;
});
afterAll(() => t?.close());

describe('contract changes write all or nothing', () => {
  it('a plan change whose log entry fails leaves the plan as it was', async () => {
    const updates = failInNextTransaction(
      t.app.store,
      { repo: 'contracts', method: 'appendLog' },
      { repo: 'workspaces', method: 'update' },
    );
    const r = await ops().post(`/api/ops/workspaces/${wsId}/plan`, { plan: 'enterprise' });
    expect(r.status).toBe(500);
    expect(JSON.stringify(r.body)).not.toContain(INJECTED);
    expect(updates).toHaveLength(1); // the plan was written inside the transaction, then rolled back
    expect((await owner.get(`/api/workspaces/${wsId}`)).body.plan).toBe('free');
    expect((await owner.get(`/api/workspaces/${wsId}/contract`)).body.log).toEqual([]);
    // The next try works, with its entry.
    expect((await ops().post(`/api/ops/workspaces/${wsId}/plan`, { plan: 'team' })).status).toBe(200);
    expect((await owner.get(`/api/workspaces/${wsId}/contract`)).body.log).toHaveLength(1);
  });

  it('a holder change whose log entry fails leaves no holder', async () => {
    failInNextTransaction(t.app.store, { repo: 'contracts', method: 'appendLog' });
    const holder = {
      companyName: 'Atomic KK',
      billingContactName: 'K',
      billingContactEmail: 'k@example.com',
    };
    expect((await ops().put(`/api/ops/workspaces/${wsId}/contract/holder`, holder)).status).toBe(500);
    expect((await owner.get(`/api/workspaces/${wsId}/contract`)).body.holder).toBeNull();
  });

  it('a deletion whose log entry fails leaves the workspace open and no deletion pending', async () => {
    failInNextTransaction(t.app.store, { repo: 'contracts', method: 'appendLog' });
    const r = await owner.post(`/api/workspaces/${wsId}/deletion`, { confirmName: 'Atomic KK' });
    expect(r.status).toBe(500);
    expect((await owner.get(`/api/workspaces/${wsId}`)).status).toBe(200);
    expect(await t.app.store.workspaceDeletions.get(wsId)).toBeUndefined();
  });
});
