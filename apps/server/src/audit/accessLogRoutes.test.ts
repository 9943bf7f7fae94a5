import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../testing/apiClient.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';
import { changePlan } from '../workspaces/planChange.js';
import type { Plan } from '../workspaces/workspaceRepo.js';
import { AuditLog } from './auditLog.js';

// R14: Enterprise admins read, filter, download and verify their workspace's access log; everyone else is
// refused on every endpoint (Free/Team: PLAN_REQUIRED; members: FORBIDDEN; other tenants: never their rows).

async function setPlan(t: TestApp, workspaceId: string, plan: Plan): Promise<void> {
  const { store } = t.app;
  const audit = new AuditLog(
    { accessLog: store.accessLog, memberships: store.accounts.memberships },
    () => new Date(),
  );
  await changePlan({ tx: store, audit }, workspaceId, plan, { ip: null, userAgent: 'test operator' });
}

async function csvOf(t: TestApp, c: ApiClient, path: string) {
  const res = await fetch(t.app.url + path, {
    headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    bytes: Buffer.from(await res.arrayBuffer()),
  };
}

describe('access-log admin API (R14)', () => {
  let t: TestApp;
  let admin: ApiClient;
  let member: ApiClient;
  let otherAdmin: ApiClient;
  let wsId: string;
  let otherWs: string;
  let memberId: string;
  const endpoints = (id: string) => [
    `/api/workspaces/${id}/access-log`,
    `/api/workspaces/${id}/access-log.csv`,
    `/api/workspaces/${id}/access-log/verify`,
  ];

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.signedInUser('log-admin@example.com');
    wsId = (await admin.post('/api/workspaces', { name: 'Logged Co' })).body.id;
    member = await t.joinedMember(admin, wsId, 'log-member@example.com');
    memberId = (await member.get('/api/session')).body.user.id;
    otherAdmin = await t.signedInUser('other-admin@example.com');
    otherWs = (await otherAdmin.post('/api/workspaces', { name: 'Other Co' })).body.id;
  }, 60_000);
  afterAll(() => t?.close());

  it('refuses Free and Team workspaces on every endpoint with PLAN_REQUIRED', async () => {
    for (const plan of ['free', 'team'] as const) {
      if (plan === 'team') await setPlan(t, wsId, 'team');
      for (const path of endpoints(wsId)) {
        const r = await admin.get(path);
        expect({ plan, path, status: r.status, code: r.body?.code }).toEqual({
          plan,
          path,
          status: 403,
          code: 'PLAN_REQUIRED',
        });
      }
    }
    await setPlan(t, wsId, 'enterprise');
    expect((await admin.get(endpoints(wsId)[0]!)).status).toBe(200);
  });

  it('is for admins of that workspace only: a member and another tenant’s admin are refused', async () => {
    await setPlan(t, otherWs, 'enterprise');
    for (const path of endpoints(wsId)) {
      expect((await member.get(path)).body.code).toBe('FORBIDDEN');
      const foreign = await otherAdmin.get(path);
      expect(foreign.status).toBeGreaterThanOrEqual(403);
      expect(foreign.body.entries).toBeUndefined();
    }
    // The other admin's own log holds none of this workspace's events.
    const own = await otherAdmin.get(endpoints(otherWs)[0]!);
    expect(own.status).toBe(200);
    expect(own.body.entries.some((e: { userId: string }) => e.userId === memberId)).toBe(false);
  });

  it('pages newest first with a keyset cursor and filters by user, type and date range', async () => {
    const ws = wsId;
    const base = Date.parse('2026-05-01T00:00:00.000Z');
    for (let i = 0; i < 130; i++) {
      await t.app.store.accessLog.append({
        id: randomUUID(),
        workspaceId: ws,
        userId: i % 2 ? memberId : null,
        type: i % 3 ? 'room.enter' : 'auth.signin_failed',
        at: new Date(base + i * 60_000).toISOString(),
        ip: '198.51.100.9',
        userAgent: 'ua',
        detail: { i },
      });
    }
    const seen: string[] = [];
    let next: string | null = null;
    const q = `from=2026-05-01T00:00:00.000Z&to=2026-05-02T00:00:00.000Z`;
    do {
      const r = await admin.get(`/api/workspaces/${ws}/access-log?${q}${next ? `&after=${next}` : ''}`);
      expect(r.status).toBe(200);
      seen.push(...r.body.entries.map((e: { detail: { i: number } }) => e.detail.i));
      next = r.body.next;
    } while (next);
    expect(seen).toEqual(Array.from({ length: 130 }, (_, i) => 129 - i));
    const filtered = await admin.get(
      `/api/workspaces/${ws}/access-log?${q}&user=${memberId}&type=auth.signin_failed`,
    );
    expect(filtered.body.entries.map((e: { detail: { i: number } }) => e.detail.i)).toEqual(
      Array.from({ length: 130 }, (_, i) => 129 - i).filter((i) => i % 2 === 1 && i % 3 === 0),
    );
    expect(filtered.body.entries[0]).toMatchObject({
      outcome: 'failure',
      userEmail: 'log-member@example.com',
      at: expect.stringMatching(/Z$/),
    });
    for (const bad of ['after=not-a-cursor!', 'from=yesterday', 'user=x', 'limit=5000', 'type=DROP TABLE']) {
      const r = await admin.get(`/api/workspaces/${ws}/access-log?${bad}`);
      expect({ bad, status: r.status, code: r.body.code }).toEqual({
        bad,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
  });

  it('downloads the last 2 years as CSV (BOM, RFC 4180, formulas neutralised) and logs the download', async () => {
    const at = (ms: number) => new Date(Date.now() - ms).toISOString();
    const evil = "=cmd|' /C calc'!A0";
    await t.app.store.accessLog.append({
      id: randomUUID(),
      workspaceId: wsId,
      userId: memberId,
      type: 'room.enter',
      at: at(1000),
      ip: '203.0.113.1',
      userAgent: evil,
      detail: { room: '+1 "quoted", line\nbreak', by: '@me' },
    });
    const old = { id: randomUUID(), at: at(2 * 366 * 24 * 3600_000) };
    await t.app.store.accessLog.append({
      ...old,
      workspaceId: wsId,
      userId: null,
      type: 'auth.signin',
      ip: null,
      userAgent: null,
      detail: {},
    });
    const res = await csvOf(t, admin, `/api/workspaces/${wsId}/access-log.csv`);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/csv; charset=utf-8/);
    expect([...res.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows: string[][] = parse(res.bytes, { bom: true });
    expect(rows[0]).toEqual([
      'time_utc',
      'type',
      'outcome',
      'user_id',
      'user_email',
      'ip',
      'user_agent',
      'detail',
    ]);
    const mine = rows.find((r) => r[6]?.includes('calc'))!;
    expect(mine[6]).toBe(`'${evil}`);
    expect(JSON.parse(mine[7]!)).toEqual({ room: '+1 "quoted", line\nbreak', by: '@me' });
    expect(mine[4]).toBe('log-member@example.com');
    expect(rows.some((r) => r[0] === old.at)).toBe(false);
    expect(res.bytes.toString('utf8')).toContain('\r\n');
    const after = await admin.get(`/api/workspaces/${wsId}/access-log?type=admin.access_log_exported`);
    expect(after.body.entries).toHaveLength(1);
  });

  it('verifies the chain, and names an edited row', async () => {
    expect((await admin.get(`/api/workspaces/${wsId}/access-log/verify`)).body).toMatchObject({ ok: true });
    if (t.app.store.kind !== 'sqlite') return; // editing behind the app's back is engine-specific (contract suites)
    const db = (t.app.store as unknown as { db: import('better-sqlite3').Database }).db;
    const victim = db
      .prepare<[string], { id: string }>(
        'SELECT id FROM access_log WHERE workspace_id = ? ORDER BY seq LIMIT 1 OFFSET 3',
      )
      .get(wsId)!;
    db.prepare("UPDATE access_log SET ip = '10.0.0.1' WHERE id = ?").run(victim.id);
    expect((await admin.get(`/api/workspaces/${wsId}/access-log/verify`)).body).toMatchObject({
      ok: false,
      break: { id: victim.id, seq: 4, reason: 'hashMismatch' },
    });
  });
});
