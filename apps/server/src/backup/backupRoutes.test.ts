import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/testApp.js';

const TOKEN = 'ops-token-for-backup-tests';

describe('operator backup endpoint (R20)', () => {
  let t: TestApp;
  let backupDir: string;
  beforeAll(async () => {
    backupDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-backup-routes-'));
    t = await startTestApp({ OPS_TOKEN: TOKEN, BACKUP_DIR: backupDir });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(backupDir, { recursive: true, force: true });
  });

  const call = (method: 'GET' | 'POST', token?: string) =>
    fetch(`${t.app.url}/api/ops/backups`, {
      method,
      headers: token ? { authorization: `Bearer ${token}`, 'x-ops-reason': 'R20 backup test' } : {},
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

  it('answers 404 without the operator token or with a wrong one, and takes no backup', async () => {
    expect((await call('POST')).status).toBe(404);
    expect((await call('POST', `${TOKEN}x`)).status).toBe(404);
    expect((await call('GET', 'x'.repeat(TOKEN.length))).status).toBe(404);
    expect(fs.readdirSync(backupDir)).toEqual([]);
  });

  it('an operator must say why: without a reason nothing is backed up (400 OPS_REASON_REQUIRED)', async () => {
    const r = await fetch(`${t.app.url}/api/ops/backups`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { code: string }).code).toBe('OPS_REASON_REQUIRED');
    expect(fs.readdirSync(backupDir)).toEqual([]);
  });

  it('an operator takes a backup on demand (no CSRF token needed with the bearer) and sees it listed', async () => {
    const made = await call('POST', TOKEN);
    if (t.app.store.kind === 'firestore') {
      expect(made).toMatchObject({ status: 501, body: { code: 'BACKUP_NOT_SUPPORTED' } });
      expect(String(made.body.message)).toMatch(/gcloud firestore export/);
      return;
    }
    expect(made.status).toBe(200);
    expect(made.body).toMatchObject({ id: expect.any(String), files: expect.any(Number) });
    const listed = await call('GET', TOKEN);
    expect(listed.body.generations).toEqual([{ id: made.body.id, createdAt: expect.any(String) }]);
    expect(fs.existsSync(path.join(backupDir, String(made.body.id), 'manifest.json'))).toBe(true);
    const metrics = await fetch(`${t.app.url}/api/ops/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(await metrics.text()).toMatch(/^tsudoi_backups_total\{status="ok"\} 1$/m);
    // R22: who, what and why are in the operator audit log.
    const audit = await t.app.store.operatorAudit.list({ limit: 10 });
    expect(audit.map((e) => [e.operator, e.action, e.reason])).toContainEqual([
      'ops',
      'backup.run',
      'R20 backup test',
    ]);
  });

  it('a cookie-authenticated POST without the token is still refused (no CSRF bypass through the route)', async () => {
    const user = await t.signedInUser('backup-user@example.com');
    expect((await user.post('/api/ops/backups')).status).toBe(404);
  });
});
