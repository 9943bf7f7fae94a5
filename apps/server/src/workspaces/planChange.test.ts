import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planCli } from '../cli/plan.js';
import type { SqliteStore } from '../storage/sqlite/sqliteStore.js';
import type { ApiClient } from '../testing/apiClient.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';

let t: TestApp;
let owner: ApiClient;
let dataDir: string;
beforeAll(async () => {
  t = await startTestApp();
  owner = await t.signedInUser('plan-owner@example.com');
  dataDir = path.dirname((t.app.store as SqliteStore).db.name);
});
afterAll(() => t?.close());

/** Runs the operator's command line against the running server's DATA_DIR; returns exit code and output. */
async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await planCli(
    args,
    { DATA_DIR: dataDir },
    { log: (s) => out.push(s), error: (s) => err.push(s) },
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('plan changes are an operator action', () => {
  it('refuses an owner’s PATCH with a plan, and changes nothing', async () => {
    const ws = (await owner.post('/api/workspaces', { name: 'Wants Enterprise' })).body;
    const r = await owner.patch(`/api/workspaces/${ws.id}`, { plan: 'enterprise', mfaRequired: true });
    expect(r).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect(r.body.message).toMatch(/operator/);
    expect((await owner.get(`/api/workspaces/${ws.id}`)).body).toMatchObject({
      plan: 'free',
      security: { mfaRequired: false },
    });
    // Settings without a plan still save.
    expect((await owner.patch(`/api/workspaces/${ws.id}`, { name: 'Still Free' })).status).toBe(200);
  });

  it('the operator’s command line changes the plan of the running server’s workspace, logged as the operator', async () => {
    const ws = (await owner.post('/api/workspaces', { name: 'Bought Enterprise' })).body;
    const r = await cli([ws.id, 'enterprise']);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(JSON.parse(r.out)).toEqual({ workspaceId: ws.id, from: 'free', to: 'enterprise' });
    const detail = (await owner.get(`/api/workspaces/${ws.id}`)).body;
    expect(detail).toMatchObject({ plan: 'enterprise', features: { requireMfaForAll: true } });
    // What the plan allows now works for the owner.
    const mfa = await owner.patch(`/api/workspaces/${ws.id}`, { mfaRequired: true });
    expect(mfa.body.security.mfaRequired).toBe(true);
    const log = await t.app.store.accessLog.list({ workspaceId: ws.id, type: 'admin.plan_changed' });
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      userId: null,
      detail: { actor: 'operator', from: 'free', to: 'enterprise' },
    });
    expect(log[0]!.userAgent).toMatch(/^tsudoi-cli plan/);

    // Back to Free: the Enterprise-only setting is switched off with it.
    expect((await cli([ws.id, 'free'])).code).toBe(0);
    expect((await owner.get(`/api/workspaces/${ws.id}`)).body.security.mfaRequired).toBe(false);
  });

  it('refuses bad arguments and unknown workspaces', async () => {
    expect(await cli(['only-one'])).toMatchObject({ code: 2, err: expect.stringContaining('usage:') });
    expect((await cli(['00000000-0000-4000-8000-000000000000', 'platinum'])).code).toBe(2);
    expect(await cli(['00000000-0000-4000-8000-000000000000', 'team'])).toMatchObject({
      code: 1,
      err: expect.stringContaining('no workspace'),
    });
  });
});
