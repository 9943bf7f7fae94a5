import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { developmentKeyring } from '../crypto/masterKey.js';
import { SqliteStore } from '../storage/sqlite/sqliteStore.js';
import { BackupRunner } from './backupRunner.js';
import { backupKeysOf } from './keys.js';
import { BackupScheduler } from './scheduler.js';

const H = 3_600_000;
const log = { info: () => {}, error: () => {} };

describe('backup scheduler (R20: every 24 hours)', () => {
  let root: string;
  let store: SqliteStore;
  let now: Date;
  let scheduler: BackupScheduler;
  beforeEach(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-backup-sched-'));
    store = SqliteStore.inDataDir(path.join(root, 'data'));
    await store.migrate();
    now = new Date(Date.UTC(2026, 11, 1, 3, 17));
    const runner = new BackupRunner({
      engine: { kind: 'sqlite', db: store.db, dataDir: path.join(root, 'data') },
      backupDir: path.join(root, 'backups'),
      keep: 5,
      keys: backupKeysOf(developmentKeyring()),
      now: () => now,
    });
    scheduler = new BackupScheduler({ runner, log, now: () => now });
  });
  afterEach(async () => {
    await scheduler.stop();
    await store.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('backs up at the first check, then not again until the next day, then every day', async () => {
    expect(await scheduler.runIfDue()).toBe('ran');
    now = new Date(now.getTime() + H);
    expect(await scheduler.runIfDue()).toBe('not-due');
    now = new Date(now.getTime() + 22 * H);
    expect(await scheduler.runIfDue()).toBe('not-due');
    now = new Date(now.getTime() + H); // the next day's check
    expect(await scheduler.runIfDue()).toBe('ran');
    expect(fs.readdirSync(path.join(root, 'backups')).filter((n) => !n.startsWith('.'))).toHaveLength(2);
  });

  it('after stop() it runs nothing', async () => {
    await scheduler.stop();
    expect(await scheduler.runIfDue()).toBe('stopped');
    expect(fs.existsSync(path.join(root, 'backups'))).toBe(false);
  });
});
