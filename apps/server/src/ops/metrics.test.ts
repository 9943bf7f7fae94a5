import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../testing/apiClient.js';
import { TestSockets } from '../testing/sockets.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';

const TOKEN = 'ops-token-for-metrics-tests';

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('operator metrics (R21, Prometheus text format)', () => {
  let t: TestApp;
  let owner: ApiClient;
  let ws: string;
  let sockets: TestSockets;
  beforeAll(async () => {
    t = await startTestApp({ OPS_TOKEN: TOKEN });
    owner = await t.signedInUser('metrics-owner@example.com');
    ws = (await owner.post('/api/workspaces', { name: 'Metrics' })).body.id;
    sockets = new TestSockets(t.app.url);
  });
  afterAll(async () => {
    sockets?.closeAll();
    await t?.close();
  });

  const scrape = async (token = TOKEN) => {
    const r = await fetch(`${t.app.url}/api/ops/metrics`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
  };

  it('is 404 without the operator token or with a wrong one', async () => {
    expect((await scrape('')).status).toBe(404); // no Authorization header
    expect((await scrape('x'.repeat(TOKEN.length))).status).toBe(404);
    const ok = await scrape();
    expect(ok.status).toBe(200);
    expect(ok.type).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('counts sockets and connected users, and they move when a socket connects and closes', async () => {
    const before = await scrape();
    expect(sample(before.text, 'tsudoi_sockets')).toBe(0);
    expect(sample(before.text, 'tsudoi_connected_users')).toBe(0);
    await sockets.open(owner, ws);
    await sockets.open(owner, ws); // a second tab of the same person
    const during = await scrape();
    expect(sample(during.text, 'tsudoi_sockets')).toBe(2);
    expect(sample(during.text, 'tsudoi_connected_users')).toBe(1);
    expect(sample(during.text, 'tsudoi_media_workers')).toBe(1);
    expect(sample(during.text, 'tsudoi_media_worker_routers{worker="0"}')).toBe(0);
    sockets.closeAll();
    await expect.poll(async () => sample((await scrape()).text, 'tsudoi_sockets')).toBe(0);
  });

  it('counts purge runs with their duration', async () => {
    const series = 'tsudoi_purge_runs_total{kind="room-empty",status="ran"}';
    expect(sample((await scrape()).text, series)).toBeUndefined();
    await t.app.retention.purgeConversationNow(ws, 'no-such-room');
    const text = (await scrape()).text;
    expect(sample(text, series)).toBe(1);
    expect(sample(text, 'tsudoi_purge_duration_seconds_count{kind="room-empty"}')).toBe(1);
  });

  it('times HTTP requests by route pattern, never by the raw URL', async () => {
    await owner.get(`/api/workspaces/${ws}`);
    const text = (await scrape()).text;
    expect(
      sample(
        text,
        'tsudoi_http_request_duration_seconds_count{method="GET",route="/api/workspaces/:workspaceId",status="200"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(ws);
    expect(sample(text, 'tsudoi_event_loop_delay_max_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('each app instance has its own registry', async () => {
    const other = await startTestApp({ OPS_TOKEN: TOKEN });
    try {
      expect(other.app.operations.metrics.registry).not.toBe(t.app.operations.metrics.registry);
      const r = await fetch(`${other.app.url}/api/ops/metrics`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(
        sample(await r.text(), 'tsudoi_purge_runs_total{kind="room-empty",status="ran"}'),
      ).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});
