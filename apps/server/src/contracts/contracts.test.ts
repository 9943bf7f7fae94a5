import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../testing/apiClient.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';

/**
 * R17 contract management and R22 operators, through a real server: operators (named by their tokens)
 * change the holder, billing and plan, each change lands in the contract log the owner — and only the
 * owner — reads; every operator request carries a reason and is in the operator audit log.
 */
const ALICE = 'alice-token-0123456789abcdef';
const LEGACY = 'legacy-ops-token-0123456789';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

let t: TestApp;
let owner: ApiClient;
let admin: ApiClient;
let stranger: ApiClient;
let wsId: string;
const operator = (token: string, reason?: string) => {
  const c = new ApiClient(t.app.url);
  c.headers.authorization = `Bearer ${token}`;
  if (reason) c.headers['x-ops-reason'] = encodeURIComponent(reason);
  return c;
};

beforeAll(async () => {
  t = await startTestApp({ OPS_TOKENS: `alice:${sha(ALICE)}`, OPS_TOKEN: LEGACY });
  owner = await t.signedInUser('contract-owner@example.com');
  wsId = (await owner.post('/api/workspaces', { name: 'Contract Co' })).body.id;
  admin = await t.joinedMember(owner, wsId, 'contract-admin@example.com', 'admin');
  stranger = await t.signedInUser('contract-stranger@example.com');
});
afterAll(() => t?.close());

const holder = {
  companyName: '株式会社サンプル',
  billingContactName: '経理 花子',
  billingContactEmail: 'keiri@example.co.jp',
};

describe('contract management (R17) by named operators', () => {
  it('logs the holder, a billing entry and a plan change with the operator; the owner reads all of it', async () => {
    const alice = operator(ALICE, 'contract signed, ticket 1001');
    expect((await alice.put(`/api/ops/workspaces/${wsId}/contract/holder`, holder)).status).toBe(200);
    const billing = { period: '2026-11', amount: 55_000, currency: 'JPY', description: 'Team, Nov' };
    expect((await alice.post(`/api/ops/workspaces/${wsId}/contract/billing`, billing)).status).toBe(201);
    const plan = await operator(LEGACY, '請求書 1001 による変更').post(`/api/ops/workspaces/${wsId}/plan`, {
      plan: 'team',
    });
    expect(plan).toMatchObject({ status: 200, body: { from: 'free', to: 'team' } });

    const view = await owner.get(`/api/workspaces/${wsId}/contract`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ plan: 'team', holder, retentionYears: 8 });
    expect(view.body.billing).toMatchObject([billing]);
    expect(
      view.body.log.map((e: { type: string; actor: { name: string } }) => [e.type, e.actor.name]),
    ).toEqual([
      ['plan_changed', 'ops'],
      ['billing_added', 'alice'],
      ['holder_changed', 'alice'],
    ]);
    expect(view.body.log[0].detail).toEqual({ from: 'free', to: 'team' });
    expect((await owner.get(`/api/workspaces/${wsId}`)).body.plan).toBe('team');
  });

  it('shows the contract to the owner only: an admin gets 403, a stranger 404', async () => {
    expect((await admin.get(`/api/workspaces/${wsId}/contract`)).status).toBe(403);
    expect((await stranger.get(`/api/workspaces/${wsId}/contract`)).status).toBe(404);
    expect((await t.client().get(`/api/workspaces/${wsId}/contract`)).status).toBe(401);
  });

  it('refuses an operator request without a reason, and changes nothing', async () => {
    const before = (await owner.get(`/api/workspaces/${wsId}/contract`)).body.log.length;
    const r = await operator(ALICE).post(`/api/ops/workspaces/${wsId}/plan`, { plan: 'enterprise' });
    expect(r).toMatchObject({ status: 400, body: { code: 'OPS_REASON_REQUIRED' } });
    expect((await operator(ALICE).get(`/api/ops/workspaces/${wsId}/contract`)).body.code).toBe(
      'OPS_REASON_REQUIRED',
    );
    expect((await operator(ALICE, 'x').get('/api/ops/stats')).body.code).toBe('OPS_REASON_REQUIRED');
    const after = (await owner.get(`/api/workspaces/${wsId}/contract`)).body;
    expect(after.plan).toBe('team');
    expect(after.log).toHaveLength(before);
  });

  it('answers 404 to a wrong token or none, as if the endpoints did not exist', async () => {
    for (const c of [operator('not-a-real-operator-token', 'curious'), owner]) {
      expect((await c.get(`/api/ops/workspaces/${wsId}/contract?reason=curious`)).status).toBe(404);
      expect((await c.get('/api/ops/stats')).status).toBe(404);
    }
  });

  it('records every operator read in the operator audit log: who, what, which workspace, why, from where', async () => {
    const reason = 'customer asked about invoice 1001';
    const read = await operator(ALICE, reason).get(`/api/ops/workspaces/${wsId}/contract`);
    expect(read.body).toMatchObject({ plan: 'team', holder });
    expect((await operator(LEGACY, 'capacity check').get('/api/ops/stats')).status).toBe(200);
    const logs = await operator(ALICE, 'support ticket 7').get(`/api/ops/workspaces/${wsId}/access-log`);
    expect(logs.status).toBe(200);

    const audit = await operator(ALICE, 'weekly audit review').get(`/api/ops/audit?workspaceId=${wsId}`);
    const entries = audit.body.entries as Array<Record<string, unknown>>;
    expect(entries[0]).toMatchObject({
      operator: 'alice',
      action: 'operatorAudit.read',
      reason: 'weekly audit review',
    });
    expect(entries).toContainEqual(
      expect.objectContaining({
        operator: 'alice',
        action: 'contract.read',
        workspaceId: wsId,
        reason,
        ip: '127.0.0.1',
      }),
    );
    expect(entries).toContainEqual(
      expect.objectContaining({ operator: 'alice', action: 'accessLog.read', reason: 'support ticket 7' }),
    );
    expect(entries).toContainEqual(
      expect.objectContaining({ operator: 'ops', action: 'plan.change', reason: '請求書 1001 による変更' }),
    );
    const all = (await operator(LEGACY, 'weekly audit review').get('/api/ops/audit')).body.entries;
    expect(all).toContainEqual(
      expect.objectContaining({ operator: 'ops', action: 'stats.read', workspaceId: null }),
    );
    // Refused requests (no reason) left no entry that claims a read happened.
    expect(entries.some((e) => e.reason === undefined || e.reason === '')).toBe(false);
  });

  it('refuses an owner changing the plan or reading the operator endpoints with their session', async () => {
    expect((await owner.patch(`/api/workspaces/${wsId}`, { plan: 'enterprise' })).status).toBe(403);
    expect(
      (await owner.post(`/api/ops/workspaces/${wsId}/plan`, { plan: 'enterprise', reason: 'me' })).status,
    ).toBe(404);
  });
});
