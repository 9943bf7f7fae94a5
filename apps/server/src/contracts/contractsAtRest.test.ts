import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../testing/apiClient.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';

/**
 * R19 for contracts (R17): the holder's company name and billing contact are personal data, sealed under
 * the workspace's data key in the contract and in the contract log; the owner still reads them in clear.
 */
const TOKEN = 'f-operator-token-0123456789abcdef';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const marker = (what: string) => `R19C-${what}-${randomUUID()}`;

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

const operator = () => {
  const c = new ApiClient(t.app.url);
  c.headers.authorization = `Bearer ${TOKEN}`;
  c.headers['x-ops-reason'] = 'contract signed';
  return c;
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-contract-r19-'));
  t = await startTestApp({ DATA_DIR: dir, OPS_TOKENS: `f:${sha(TOKEN)}` });
}, 60_000);
afterAll(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('contract holders at rest (R19)', { timeout: 60_000 }, () => {
  it('keeps the holder out of every DATA_DIR file (contract and log); the owner reads it', async () => {
    const owner = await t.signedInUser('r19-contract-owner@example.com');
    const wsId = (await owner.post('/api/workspaces', { name: 'Sealed Contract Co' })).body.id;
    const first = {
      companyName: marker('company'),
      billingContactName: marker('contact'),
      billingContactEmail: `${marker('mail').toLowerCase()}@example.co.jp`,
    };
    const second = { ...first, companyName: marker('renamed') };
    for (const holder of [first, second]) {
      const r = await operator().put(`/api/ops/workspaces/${wsId}/contract/holder`, holder);
      expect(r.status).toBe(200);
    }
    const view = (await owner.get(`/api/workspaces/${wsId}/contract`)).body;
    expect(view.holder).toEqual(second);
    expect(view.log.map((e: { detail: unknown }) => e.detail)).toEqual([
      { from: first, to: second },
      { from: null, to: first },
    ]);

    await t.app.store.flushDeletions(); // checkpoints SQLite's WAL into the database file
    for (const v of [...Object.values(first), second.companyName]) expect(filesContaining(v)).toEqual([]);
    // Positive control: the workspace name (not sealed) is found in the same files.
    if (!process.env.TEST_STORE) expect(filesContaining('Sealed Contract Co').length).toBeGreaterThan(0);

    // Crypto-shredding: without the data key, the log is still listed but its holders are gone.
    await t.app.dataKeys.destroy(wsId);
    const log = await t.app.store.contracts.listLog(wsId, 10);
    expect(log.map((e) => e.type)).toEqual(['holder_changed', 'holder_changed']);
    expect(log[0]?.detail).toEqual({ from: null, to: null, holderErased: true });
    await expect(t.app.store.contracts.get(wsId)).rejects.toMatchObject({ reason: 'key-destroyed' });
  });
});
