import type { MaintenanceWindow } from '@tsudoi/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../testing/apiClient.js';
import { nextEvent, TestSockets } from '../testing/sockets.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';
import { scheduledWindows } from './maintenancePolicy.js';

const TOKEN = 'ops-token-for-maintenance-tests';

type Listed = MaintenanceWindow & { cancelledAt?: string | null };
interface OpsBody {
  code?: string;
  id: string;
  startsAt: string;
  windows: Listed[];
}
const DAY = 86_400_000;
const MIN = 60_000;

describe('planned maintenance windows (R21)', () => {
  let t: TestApp;
  let owner: ApiClient;
  let ws: string;
  let sockets: TestSockets;
  let offset = 0;
  const now = () => Date.now() + offset;
  const advanceTo = (at: number) => {
    const by = at - now();
    expect(by).toBeGreaterThan(0);
    t.advance(by);
    offset += by;
  };
  beforeAll(async () => {
    t = await startTestApp({
      OPS_TOKEN: TOKEN,
      MAINTENANCE_BANNER_DAYS: '3',
      MAINTENANCE_ROOM_NOTICE_MINUTES: '10',
    });
    owner = await t.signedInUser('maint-owner@example.com');
    ws = (await owner.post('/api/workspaces', { name: 'Maintenance' })).body.id;
    sockets = new TestSockets(t.app.url);
  });
  afterAll(async () => {
    sockets?.closeAll();
    await t?.close();
  });

  const banner = async () =>
    ((await (await fetch(`${t.app.url}/api/maintenance`)).json()) as { windows: MaintenanceWindow[] })
      .windows;
  const ops = (method: string, path: string, body?: unknown, token = TOKEN) =>
    fetch(`${t.app.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}`, 'x-ops-reason': 'R21 maintenance test' } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as OpsBody }));

  it('operator endpoints answer 404 without the token and change nothing', async () => {
    const start = new Date(now() + DAY).toISOString();
    const end = new Date(now() + DAY + 3_600_000).toISOString();
    expect((await ops('POST', '/api/ops/maintenance', { startsAt: start, endsAt: end }, '')).status).toBe(
      404,
    );
    expect((await ops('GET', '/api/ops/maintenance', undefined, 'x'.repeat(TOKEN.length))).status).toBe(404);
    expect((await ops('DELETE', '/api/ops/maintenance/schedule-2030-01', undefined, '')).status).toBe(404);
    expect(
      (await ops('GET', '/api/ops/maintenance?days=400')).body.windows.every((w) => !w.cancelledAt),
    ).toBe(true);
  });

  it('the monthly window shows in the banner 3 days ahead, not 4; an operator can cancel it', async () => {
    const next = scheduledWindows(new Date(now() + 4 * DAY + MIN), new Date(now() + 70 * DAY)).find(
      (w) => Date.parse(w.startsAt) > now() + 4 * DAY + MIN,
    )!;
    const start = Date.parse(next.startsAt);
    advanceTo(start - 4 * DAY);
    expect((await banner()).map((w) => w.id)).not.toContain(next.id);
    advanceTo(start - 2 * DAY);
    expect(await banner()).toContainEqual({
      id: next.id,
      startsAt: next.startsAt,
      endsAt: next.endsAt,
      source: 'schedule',
    });
    const cancelled = await ops('DELETE', `/api/ops/maintenance/${next.id}`);
    expect(cancelled.status).toBe(200);
    expect((await banner()).map((w) => w.id)).not.toContain(next.id);
    expect((await ops('DELETE', `/api/ops/maintenance/${next.id}`)).body.code).toBe('CONFLICT');
    const listed = (await ops('GET', '/api/ops/maintenance?days=10')).body.windows;
    expect(listed.find((w) => w.id === next.id)).toMatchObject({ cancelledAt: expect.any(String) });
  });

  it('refuses a window that ends before it starts, starts in the past or lasts too long', async () => {
    const at = (ms: number) => new Date(now() + ms).toISOString();
    expect(
      (await ops('POST', '/api/ops/maintenance', { startsAt: at(DAY), endsAt: at(DAY - MIN) })).status,
    ).toBe(400);
    expect((await ops('POST', '/api/ops/maintenance', { startsAt: at(-MIN), endsAt: at(DAY) })).status).toBe(
      400,
    );
    expect(
      (await ops('POST', '/api/ops/maintenance', { startsAt: at(DAY), endsAt: at(5 * DAY) })).status,
    ).toBe(400);
    expect(
      (await ops('POST', '/api/ops/maintenance', { startsAt: 'tomorrow', endsAt: at(DAY) })).status,
    ).toBe(400);
  });

  it('an added window shows in the banner and open rooms get one notice minutes before it starts', async () => {
    owner = await t.signedInAgain('maint-owner@example.com'); // the earlier tests moved the clock by days
    const { s } = await sockets.open(owner, ws);
    const far = await ops('POST', '/api/ops/maintenance', {
      startsAt: new Date(now() + 30 * MIN).toISOString(),
      endsAt: new Date(now() + 90 * MIN).toISOString(),
      note: 'Database upgrade',
    });
    expect(far.status).toBe(201);
    expect((await banner()).find((w) => w.id === far.body.id)).toMatchObject({
      note: 'Database upgrade',
      source: 'operator',
    });
    // 30 minutes ahead: no room notice yet.
    expect(await t.app.operations.maintenanceNotifier.tick()).toEqual([]);
    advanceTo(Date.parse(far.body.startsAt) - 5 * MIN);
    const notice = nextEvent<{ window: MaintenanceWindow; minutesLeft: number }>(s, 'maintenance:soon');
    expect(await t.app.operations.maintenanceNotifier.tick()).toEqual([far.body.id]);
    expect(await notice).toMatchObject({ window: { id: far.body.id }, minutesLeft: 5 });
    // Once per window.
    expect(await t.app.operations.maintenanceNotifier.tick()).toEqual([]);
  });
});
