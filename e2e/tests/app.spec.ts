import { startServer, type TestServer } from '../support/server';
import { expect, test } from '../support/test';

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  expect(await server.stop()).toBe(0); // graceful SIGTERM shutdown exits 0
});

test('the app loads, connects over socket.io and switches language', async ({ page }) => {
  await page.goto(server.url);
  await expect(page.getByRole('heading', { name: 'Tsudoi', level: 1 })).toBeVisible();
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'online');
  const before = await page.getByRole('heading', { level: 2 }).first().textContent();
  await page.getByRole('button', { name: /English|日本語/ }).click();
  await expect(page.getByRole('heading', { level: 2 }).first()).not.toHaveText(before ?? '');
  // The choice survives a reload.
  const chosen = await page.getByRole('heading', { level: 2 }).first().textContent();
  await page.reload();
  await expect(page.getByRole('heading', { level: 2 }).first()).toHaveText(chosen ?? '');
});

test('a server that cannot be reached at first: the page says so instead of staying blank, and gets in once it can', async ({
  page,
}) => {
  // What a proxy answers while the server restarts: not JSON, a 502 page.
  await page.route('**/api/session', (route) =>
    route.fulfill({ status: 502, contentType: 'text/html', body: '<h1>502 Bad Gateway</h1>' }),
  );
  await page.goto(server.url);
  const unreachable = page.getByTestId('session-unreachable');
  await expect(unreachable).toContainText('Tsudoi cannot be reached');
  await page.unroute('**/api/session');
  await unreachable.getByRole('button', { name: 'Try again now' }).click();
  await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
  await expect(unreachable).toHaveCount(0);
});

test('a client page route is served the app, an unknown API path a JSON 404', async ({ request }) => {
  const page = await request.get(`${server.url}/w/some-workspace`);
  expect(page.status()).toBe(200);
  expect(await page.text()).toContain('<div id="root">');
  const api = await request.get(`${server.url}/api/nope`);
  expect(api.status()).toBe(404);
  expect(await api.json()).toMatchObject({ code: 'NOT_FOUND' });
});

test('health endpoint answers for URL monitoring', async ({ request }) => {
  const res = await request.get(`${server.url}/healthz`);
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({
    status: 'ok',
    store: 'sqlite',
    mediaWorkers: 1,
    protocolVersion: 4, // PROTOCOL_VERSION in packages/protocol/src/version.ts
  });
});

test('connection check: the browser completes ICE + DTLS with the SFU and sends audio', async ({ page }) => {
  await page.goto(server.url);
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'online');
  await page.getByRole('button', { name: /接続テストを開始|Start connection check/ }).click();
  const status = page.getByTestId('check-status');
  await expect(status).toHaveAttribute('data-phase', 'ok', { timeout: 20_000 });
  await expect(status).toContainText(/DTLS/);
  // The worker survived the handshake (the recipe's DTLS patch) and is still serving.
  const health = await page.request.get(`${server.url}/healthz`);
  expect((await health.json()).mediaWorkers).toBe(1);
  expect(server.output()).not.toMatch(/worker died/);
});
