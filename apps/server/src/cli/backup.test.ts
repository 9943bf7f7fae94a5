import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../storage/sqlite/sqliteStore.js';
import { backupCli } from './backup.js';

const WS = 'ws-cli';

describe('backup command (R20)', () => {
  let root: string;
  let env: Record<string, string>;
  let lines: { log: string[]; error: string[] };
  const out = { log: (s: string) => lines.log.push(s), error: (s: string) => lines.error.push(s) };

  beforeEach(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-backup-cli-'));
    env = { DATA_DIR: path.join(root, 'data'), BACKUP_DIR: path.join(root, 'backups'), NODE_ENV: 'test' };
    lines = { log: [], error: [] };
    const store = SqliteStore.inDataDir(env.DATA_DIR as string);
    await store.migrate();
    await store.messages.ensureRoomConversation(WS, 'r', new Date(0).toISOString());
    await store.messages.append({
      id: 'm1',
      workspaceId: WS,
      conversationId: 'r',
      senderId: 'a',
      text: 'hello from before the backup',
      sentAt: new Date(1000).toISOString(),
    });
    await store.close();
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('creates, lists and restores into a fresh directory; the restored store reads the message', async () => {
    expect(await backupCli(['create'], env, out)).toBe(0);
    const { id } = JSON.parse(lines.log[0] as string) as { id: string };
    expect(await backupCli(['list'], env, out)).toBe(0);
    expect(JSON.parse(lines.log[1] as string)).toMatchObject({ id });
    const target = path.join(root, 'fresh');
    expect(await backupCli(['restore', id, target], env, out)).toBe(0);
    const restored = SqliteStore.inDataDir(target);
    try {
      expect((await restored.messages.list(WS, 'r')).map((m) => m.text)).toEqual([
        'hello from before the backup',
      ]);
    } finally {
      await restored.close();
    }
  });

  it('restore into a non-empty directory exits 3, a damaged backup exits 4 with a clear message', async () => {
    expect(await backupCli(['create'], env, out)).toBe(0);
    const { id, dir } = JSON.parse(lines.log[0] as string) as { id: string; dir: string };
    expect(await backupCli(['restore', id, env.DATA_DIR as string], env, out)).toBe(3);
    expect(lines.error.at(-1)).toMatch(/not empty: restore only into a fresh data directory/);
    const f = path.join(dir, '0.enc');
    const bytes = fs.readFileSync(f);
    bytes[100] = (bytes[100] as number) ^ 0xff;
    fs.writeFileSync(f, bytes);
    expect(await backupCli(['verify', id], env, out)).toBe(4);
    expect(await backupCli(['restore', id, path.join(root, 'fresh')], env, out)).toBe(4);
    expect(lines.error.at(-1)).toMatch(/restore refused: tsudoi\.sqlite: checksum mismatch/);
    expect(fs.existsSync(path.join(root, 'fresh'))).toBe(false);
  });

  it('a backup under another master key exits 4 naming the key; bad arguments exit 2', async () => {
    expect(await backupCli(['create'], env, out)).toBe(0);
    const { id } = JSON.parse(lines.log[0] as string) as { id: string };
    const other = { ...env, MASTER_KEY: Buffer.alloc(32, 9).toString('base64') };
    expect(await backupCli(['restore', id, path.join(root, 'fresh')], other, out)).toBe(4);
    expect(lines.error.at(-1)).toMatch(/made under master key \w+, which is not configured/);
    expect(await backupCli(['restore', id], env, out)).toBe(2);
    expect(await backupCli(['explode'], env, out)).toBe(2);
  });

  it('on the Firestore engine it points to the engine export instead of pretending', async () => {
    const fsEnv = {
      ...env,
      STORE: 'firestore',
      FIRESTORE_PROJECT_ID: 'demo-backup',
      FIRESTORE_EMULATOR_HOST: '127.0.0.1:1',
    };
    expect(await backupCli(['create'], fsEnv, out)).toBe(6);
    expect(lines.error.at(-1)).toMatch(/gcloud firestore export/);
    expect(fs.existsSync(env.BACKUP_DIR as string)).toBe(false);
  });
});
