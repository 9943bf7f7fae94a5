import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { developmentKeyring, masterKeyId } from '../crypto/masterKey.js';
import { SqliteStore } from '../storage/sqlite/sqliteStore.js';
import { createBackup, listGenerations } from './backupService.js';
import { BackupFileCorrupt, decryptFile } from './cipherFile.js';
import { backupKeysOf } from './keys.js';
import { RestoreRefused, restoreBackup } from './restore.js';

const WS = 'ws-backup';
const keys = backupKeysOf(developmentKeyring());
const otherKey = Buffer.alloc(32, 7);
const otherKeys = backupKeysOf({
  current: { id: masterKeyId(otherKey), key: otherKey },
  previous: [],
  developmentDefault: false,
});
const at = (i: number) => new Date(Date.UTC(2026, 11, 1, 0, 0, i)).toISOString();
const IMAGE = Buffer.from('\x89PNG fake image bytes MARKER-IMAGE-42');

describe('backups (R20)', () => {
  let root: string;
  let dataDir: string;
  let backupDir: string;
  let store: SqliteStore;

  beforeEach(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-backup-'));
    dataDir = path.join(root, 'data');
    backupDir = path.join(root, 'backups');
    store = SqliteStore.inDataDir(dataDir);
    await store.migrate();
    await store.messages.ensureRoomConversation(WS, 'room-1', at(0));
    for (let i = 1; i <= 40; i++) {
      await store.messages.append({
        id: `m-${i}`,
        workspaceId: WS,
        conversationId: 'room-1',
        senderId: 'alice',
        text: `message number ${i} MARKER-TEXT-${i}`,
        sentAt: at(i),
        ...(i === 1 ? { attachments: [{ id: 'att-1', blobKey: `${WS}/img-1` }] } : {}),
      });
    }
    fs.mkdirSync(path.join(dataDir, 'blobs', WS), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'blobs', WS, 'img-1'), IMAGE);
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const backupAt = (when: Date, keep = 5) =>
    createBackup({ db: store.db, dataDir }, { backupDir, key: keys.current, keep }, () => when);
  const day = (n: number) => new Date(Date.UTC(2026, 11, 1 + n, 3, 17));
  const count = (db: Database.Database, table: string) =>
    (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  const allFiles = (dir: string): string[] =>
    fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name));

  it('six backup runs keep the five newest generations and prune the oldest', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 6; n++) ids.push((await backupAt(day(n))).id);
    expect(await listGenerations(backupDir)).toEqual(ids.slice(1));
    expect(fs.existsSync(path.join(backupDir, ids[0] as string))).toBe(false);
    // Control: with room for six, nothing is pruned.
    const seventh = await backupAt(day(6), 6);
    expect(seventh.pruned).toEqual([]);
    expect(await listGenerations(backupDir)).toHaveLength(6);
  });

  it('a backup that crashed midway leaves no generation; the next backup clears its folder', async () => {
    fs.mkdirSync(path.join(backupDir, '2026-11-30T03-17-00-000Z.partial', 'x'), { recursive: true });
    expect(await listGenerations(backupDir)).toEqual([]);
    const { id } = await backupAt(day(0));
    expect(fs.readdirSync(backupDir).sort()).toEqual([id]);
  });

  it('a backup is encrypted: no message text or image bytes in any backup file', async () => {
    const { dir } = await backupAt(day(0));
    for (const f of allFiles(dir)) {
      const bytes = fs.readFileSync(f);
      expect(bytes.includes('MARKER-TEXT')).toBe(false);
      expect(bytes.includes('MARKER-IMAGE')).toBe(false);
    }
    // Control: the marker is there in the live data.
    expect(fs.readFileSync(path.join(dataDir, 'blobs', WS, 'img-1')).includes('MARKER-IMAGE')).toBe(true);
  });

  it('restore into a fresh directory reproduces the rows, the messages and the images', async () => {
    const { dir } = await backupAt(day(0));
    const target = path.join(root, 'restored');
    await restoreBackup(dir, target, keys);
    const restored = SqliteStore.inDataDir(target);
    try {
      for (const table of ['messages', 'attachments', 'conversations', 'schema_migrations'])
        expect(count(restored.db, table), table).toBe(count(store.db, table));
      const sample = await restored.messages.list(WS, 'room-1', { limit: 5 });
      expect(sample.length).toBe(5);
      for (const m of sample)
        expect(m.text).toBe(`message number ${m.id.slice(2)} MARKER-TEXT-${m.id.slice(2)}`);
      expect(fs.readFileSync(path.join(target, 'blobs', WS, 'img-1'))).toEqual(IMAGE);
    } finally {
      await restored.close();
    }
  });

  it('restore refuses a target directory that is not empty, and leaves it alone', async () => {
    const { dir } = await backupAt(day(0));
    const target = path.join(root, 'busy');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'keep.txt'), 'x');
    await expect(restoreBackup(dir, target, keys)).rejects.toMatchObject({ kind: 'target-not-empty' });
    expect(fs.readdirSync(target)).toEqual(['keep.txt']);
    // Control: an existing empty directory is fresh enough.
    const empty = path.join(root, 'empty');
    fs.mkdirSync(empty);
    await restoreBackup(dir, empty, keys);
    expect(fs.existsSync(path.join(empty, 'tsudoi.sqlite'))).toBe(true);
  });

  it('a flipped byte in a backup file is detected and restore refuses without creating the target', async () => {
    const { dir } = await backupAt(day(0));
    const file = path.join(dir, '0.enc');
    const bytes = fs.readFileSync(file);
    const mid = Math.floor(bytes.length / 2);
    bytes[mid] = (bytes[mid] as number) ^ 0x01;
    fs.writeFileSync(file, bytes);
    const target = path.join(root, 'restored');
    const err = await restoreBackup(dir, target, keys).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RestoreRefused);
    expect(err).toMatchObject({ kind: 'corrupt', message: expect.stringMatching(/checksum mismatch/) });
    expect(fs.existsSync(target)).toBe(false);
    expect(fs.readdirSync(root).filter((n) => n.includes('restoring'))).toEqual([]);
  });

  it('an altered manifest (a checksum rewritten to match) fails its authentication check', async () => {
    const { dir } = await backupAt(day(0));
    // An attacker who also rewrites the manifest's checksum cannot re-sign the manifest.
    const manifestFile = path.join(dir, 'manifest.json');
    const outer = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { manifest: string; mac: string };
    const m = JSON.parse(outer.manifest) as { files: Array<{ sha256: string }> };
    (m.files[1] as { sha256: string }).sha256 = '0'.repeat(64);
    fs.writeFileSync(manifestFile, JSON.stringify({ ...outer, manifest: JSON.stringify(m) }));
    await expect(restoreBackup(dir, path.join(root, 'r1'), keys)).rejects.toMatchObject({
      kind: 'corrupt',
      message: expect.stringMatching(/authentication check/),
    });
  });

  it('a flipped byte fails the GCM tag on decryption: no plaintext file is left behind', async () => {
    const { dir } = await backupAt(day(0));
    const enc = path.join(dir, '1.enc'); // the image
    const bytes = fs.readFileSync(enc);
    bytes[30] = (bytes[30] as number) ^ 0x01; // inside the ciphertext, past the header
    fs.writeFileSync(enc, bytes);
    const out = path.join(root, 'img.out');
    await expect(decryptFile(enc, out, keys.current, `blobs/${WS}/img-1`)).rejects.toBeInstanceOf(
      BackupFileCorrupt,
    );
    expect(fs.existsSync(out)).toBe(false);
    // Control: the untouched database file decrypts, and under another name (its place) it does not.
    await decryptFile(path.join(dir, '0.enc'), out, keys.current, 'tsudoi.sqlite');
    expect(fs.existsSync(out)).toBe(true);
    await expect(
      decryptFile(path.join(dir, '0.enc'), path.join(root, 'x.out'), keys.current, `blobs/${WS}/img-1`),
    ).rejects.toBeInstanceOf(BackupFileCorrupt);
  });

  it('restore under a different master key is refused with a clear message', async () => {
    const { dir } = await backupAt(day(0));
    await expect(restoreBackup(dir, path.join(root, 'r2'), otherKeys)).rejects.toMatchObject({
      kind: 'wrong-key',
      message: expect.stringMatching(/not configured/),
    });
  });

  it('a backup taken while writes go on is consistent (opens, integrity_check ok, whole transactions only)', async () => {
    // Enough data (~8 MB) that the online backup takes many steps while the writer runs.
    const bulk = store.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    store.db.transaction(() => {
      for (let i = 0; i < 4000; i++) bulk.run(`bulk-${i}`, 'y'.repeat(2000));
    })();
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        // Two rows per transaction: a consistent copy holds both or neither.
        await store.transaction(async (tx) => {
          for (const half of ['a', 'b'])
            await tx.messages.append({
              id: `w-${written}-${half}`,
              workspaceId: WS,
              conversationId: 'room-1',
              senderId: 'bob',
              text: 'x'.repeat(2000),
              sentAt: at(100 + written),
            });
        });
        written++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const res = await backupAt(day(0));
    writing = false;
    await writer;
    expect(written).toBeGreaterThan(0);
    const target = path.join(root, 'restored');
    await restoreBackup(res.dir, target, keys);
    const db = new Database(path.join(target, 'tsudoi.sqlite'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const pairs = db.prepare("SELECT COUNT(*) AS n FROM messages WHERE id LIKE 'w-%'").get() as {
        n: number;
      };
      expect(pairs.n % 2).toBe(0);
      expect(pairs.n / 2).toBeLessThanOrEqual(written);
      expect(count(db, 'meta')).toBeGreaterThanOrEqual(4000);
    } finally {
      db.close();
    }
  });
});
