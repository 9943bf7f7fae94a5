import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupCli } from '../cli/backup.js';
import { sealedMessages } from '../crypto/sealedMessages.js';
import type { SqliteStore } from '../storage/sqlite/sqliteStore.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';

const TOKEN = 'ops-token-for-restore-tests';
const sqlite = process.env.TEST_STORE !== 'firestore';

// R20 end to end: a running server's backup, restored with the documented command, serves the same data.
describe.runIf(sqlite)('backup of a running server restored into a fresh directory (R20)', () => {
  let t: TestApp;
  let restored: TestApp | undefined;
  let root: string;
  let ws: string;
  const CONV = 'room-restore';
  const texts = Array.from({ length: 30 }, (_, i) => `restore marker ${i} ${'x'.repeat(i)}`);

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-restore-app-'));
    t = await startTestApp({ OPS_TOKEN: TOKEN, BACKUP_DIR: path.join(root, 'backups') });
    const owner = await t.signedInUser('restore-owner@example.com');
    ws = (await owner.post('/api/workspaces', { name: 'Restore me' })).body.id;
    // Messages through the app's sealing layer (R19), as the chat writes them.
    const messages = sealedMessages(t.app.store.messages, t.app.dataKeys);
    await messages.ensureRoomConversation(ws, CONV, new Date().toISOString());
    for (const [i, text] of texts.entries())
      await messages.append({
        id: `m-${String(i).padStart(2, '0')}`,
        workspaceId: ws,
        conversationId: CONV,
        senderId: 'someone',
        text,
        sentAt: new Date(Date.now() + i).toISOString(),
      });
  });
  afterAll(async () => {
    await restored?.close();
    await t?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('the restored server has the same rows, decrypts the messages and signs the owner in', async () => {
    const made = await fetch(`${t.app.url}/api/ops/backups`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'x-ops-reason': 'R20 restore test' },
    });
    expect(made.status).toBe(200);
    const { id } = (await made.json()) as { id: string };

    const target = path.join(root, 'restored-data');
    const lines: string[] = [];
    const env = { DATA_DIR: t.storeEnv.DATA_DIR, BACKUP_DIR: path.join(root, 'backups'), NODE_ENV: 'test' };
    const code = await backupCli(['restore', id, target], env, {
      log: (s) => lines.push(s),
      error: () => {},
    });
    expect(code).toBe(0);
    // Sealed at rest: the restored database file holds no message text.
    expect(fs.readFileSync(path.join(target, 'tsudoi.sqlite')).includes('restore marker')).toBe(false);

    restored = await startTestApp({ DATA_DIR: target });
    const count = (db: Database.Database, table: string) =>
      (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    const live = (t.app.store as SqliteStore).db;
    const back = (restored.app.store as SqliteStore).db;
    for (const table of ['users', 'workspaces', 'memberships', 'messages', 'data_keys', 'access_log'])
      expect(count(back, table), table).toBe(count(live, table));

    const read = await sealedMessages(restored.app.store.messages, restored.app.dataKeys).list(ws, CONV, {
      limit: 100,
    });
    expect(read.map((m) => m.text).sort()).toEqual([...texts].sort());

    const owner = await restored.signedInAgain('restore-owner@example.com');
    const list = await owner.get('/api/workspaces');
    expect(list.body.workspaces.map((w: { id: string }) => w.id)).toContain(ws);
  });
});
