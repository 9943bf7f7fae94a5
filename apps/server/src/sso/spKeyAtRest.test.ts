import { createPrivateKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../audit/auditLog.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';
import { changePlan } from '../workspaces/planChange.js';
import { resolveSecurity } from '../workspaces/security.js';
import { newSpCredentials, spCredentialsOf } from './spCredentials.js';
import { pemOf } from './ssoConfig.js';

/** R19: each workspace's SAML SP private key is stored sealed under the workspace's data key. */
let dir: string;
let t: TestApp;

/** Every file under DATA_DIR (database, WAL …) whose raw bytes contain `needle`. */
function filesContaining(needle: string): string[] {
  const hits: string[] = [];
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if (fs.readFileSync(file).includes(needle)) hits.push(path.relative(dir, file));
  }
  return hits;
}

/** The base64 lines of a PEM body (each 64 characters of the DER), the header and footer left out. */
const bodyLines = (pem: string) => pem.split('\n').filter((l) => l.length === 64);

async function enterpriseWorkspace(name: string): Promise<string> {
  const owner = await t.signedInUser(`owner-${name.toLowerCase()}@acme.test`);
  const id = (await owner.post('/api/workspaces', { name })).body.id as string;
  const { store } = t.app;
  const audit = new AuditLog(
    { accessLog: store.accessLog, memberships: store.accounts.memberships },
    () => new Date(),
  );
  await changePlan({ tx: store, audit }, id, 'enterprise', { ip: null, userAgent: 'test operator' });
  // The SSO settings view makes the workspace's SP key and shows its certificate.
  const view = await owner.get(`/api/workspaces/${id}/sso`);
  expect(view.status).toBe(200);
  return id;
}

const deps = () => ({ tx: t.app.store, clock: () => new Date(), dataKeys: t.app.dataKeys });
const workspace = async (id: string) => {
  const ws = await t.app.store.workspaces.get(id);
  if (!ws) throw new Error('no workspace');
  return ws;
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-spkey-'));
  t = await startTestApp({ DATA_DIR: dir });
}, 60_000);
afterAll(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the SAML SP private key at rest (R19)', { timeout: 60_000 }, () => {
  it('is stored sealed: no file in DATA_DIR holds it, yet it signs for the certificate the SP shows', async () => {
    const wsId = await enterpriseWorkspace('Sealed');
    const stored = resolveSecurity((await workspace(wsId)).security).samlSp;
    expect(stored?.privateKeyPem).toMatch(/^tsd1:/);
    const { privateKeyPem, certificate } = await spCredentialsOf(deps(), await workspace(wsId));
    expect(privateKeyPem).toContain('BEGIN RSA PRIVATE KEY');
    expect(certificate).toBe(stored?.certificate);
    expect(new X509Certificate(pemOf(certificate)).checkPrivateKey(createPrivateKey(privateKeyPem))).toBe(
      true,
    );
    await t.app.store.flushDeletions(); // checkpoints SQLite's WAL into the database file
    const lines = bodyLines(privateKeyPem);
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(filesContaining(line)).toEqual([]);
    // Positive control: the certificate (public, stored in clear) is found where the key would be.
    if (!process.env.TEST_STORE) expect(filesContaining(certificate.slice(0, 64)).length).toBeGreaterThan(0);
  });

  it('still reads a key stored in plain PEM before R19, and seals it in place on first use', async () => {
    const wsId = await enterpriseWorkspace('Legacy');
    const legacy = await newSpCredentials(wsId, new Date());
    const security = resolveSecurity((await workspace(wsId)).security);
    await t.app.store.workspaces.update(wsId, { security: { ...security, samlSp: legacy } });
    expect(await spCredentialsOf(deps(), await workspace(wsId))).toEqual(legacy);
    const now = resolveSecurity((await workspace(wsId)).security).samlSp;
    expect(now?.privateKeyPem).toMatch(/^tsd1:/);
    expect(now?.certificate).toBe(legacy.certificate);
    expect(await spCredentialsOf(deps(), await workspace(wsId))).toEqual(legacy);
  });

  it("does not open in another workspace, nor after the workspace's data key is destroyed", async () => {
    const a = await enterpriseWorkspace('Shredded');
    const b = await enterpriseWorkspace('Other');
    const sealedA = resolveSecurity((await workspace(a)).security).samlSp;
    const bWs = await workspace(b);
    // A sealed key copied into another workspace's record does not open there.
    const moved = { ...bWs, security: { ...resolveSecurity(bWs.security), samlSp: sealedA } };
    await expect(spCredentialsOf(deps(), moved)).rejects.toThrow();
    await t.app.dataKeys.destroy(a);
    await expect(spCredentialsOf(deps(), await workspace(a))).rejects.toMatchObject({
      reason: 'key-destroyed',
    });
    // The other workspace's key still opens.
    expect((await spCredentialsOf(deps(), bWs)).privateKeyPem).toContain('BEGIN RSA PRIVATE KEY');
  });
});
