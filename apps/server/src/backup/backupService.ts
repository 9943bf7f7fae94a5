import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type BackupKey, encryptFile, manifestMac } from './cipherFile.js';
import { generationId, generationsToPrune, generationTime } from './policy.js';

export const MANIFEST = 'manifest.json';
export const DB_NAME = 'tsudoi.sqlite';
const LOCK = '.lock';

/** One file of a generation: its name in a data directory, and size/SHA-256 of its encrypted copy. */
export interface ManifestFile {
  name: string;
  bytes: number;
  sha256: string;
}

/** What a generation holds; stored as `{ manifest, mac }` (HMAC-SHA-256 under the backup key). */
export interface BackupManifest {
  format: 'tsudoi-backup/1';
  id: string;
  createdAt: string;
  finishedAt: string;
  engine: 'sqlite';
  schemaVersion: number;
  /** Fingerprint of the backup key (not secret). */
  keyId: string;
  /** `files[i]` is stored as `<i>.enc`. */
  files: ManifestFile[];
}

export interface BackupSource {
  /** The live database connection (SqliteStore.db): the copy is made with SQLite's online backup API. */
  db: Database.Database;
  /** The data directory whose `blobs/` folder is copied too. */
  dataDir: string;
}

export interface BackupTarget {
  /** Where generations live: one folder per generation. */
  backupDir: string;
  key: BackupKey;
  /** Generations kept after this backup (R20: at least 5). */
  keep: number;
}

export interface BackupResult {
  id: string;
  dir: string;
  files: number;
  bytes: number;
  pruned: string[];
  durationMs: number;
}

/** Another backup (this process or another) holds the backup directory's lock. */
export class BackupBusy extends Error {
  constructor(holder: string) {
    super(`another backup is running (${holder})`);
    this.name = 'BackupBusy';
  }
}

/** Finished generations in `backupDir`, oldest first (folders with a generation name and a manifest). */
export async function listGenerations(backupDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(backupDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const found: string[] = [];
  for (const name of names.filter((n) => generationTime(n) !== undefined).sort()) {
    const ok = await fs.stat(path.join(backupDir, name, MANIFEST)).then(
      (s) => s.isFile(),
      () => false,
    );
    if (ok) found.push(name);
  }
  return found;
}

async function walk(root: string, rel = ''): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(root, r)));
    else if (e.isFile() && !e.name.endsWith('.tmp')) out.push(r); // a blob being written is not a blob yet
  }
  return out;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `<backupDir>/.lock`; a lock left by a dead process on this host is taken over. */
async function lock(backupDir: string): Promise<() => Promise<void>> {
  const file = path.join(backupDir, LOCK);
  const me = JSON.stringify({ pid: process.pid, host: os.hostname(), at: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(file, me, { flag: 'wx', mode: 0o600 });
      return () => fs.rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const held = await fs.readFile(file, 'utf8').catch(() => '{}');
      let holder: { pid?: number; host?: string } = {};
      try {
        holder = JSON.parse(held) as typeof holder;
      } catch {}
      const stale = holder.host === os.hostname() && typeof holder.pid === 'number' && !pidAlive(holder.pid);
      if (!stale) throw new BackupBusy(`pid ${holder.pid ?? '?'} on ${holder.host ?? '?'}`);
      await fs.rm(file, { force: true });
    }
  }
  throw new BackupBusy('lock could not be taken');
}

/**
 * R20: one consistent online backup. The database is copied with SQLite's online backup API (a
 * snapshot that stays consistent while the server writes), checked with `integrity_check`, then every
 * file (database and `blobs/`) is encrypted into `<backupDir>/<id>.partial/` and the folder is renamed
 * to `<id>` once its manifest is written: a crash never leaves a generation that looks complete.
 * Older generations beyond `keep` are deleted afterwards.
 */
export async function createBackup(
  source: BackupSource,
  target: BackupTarget,
  now: () => Date = () => new Date(),
): Promise<BackupResult> {
  const started = now();
  const t0 = performance.now();
  await fs.mkdir(target.backupDir, { recursive: true, mode: 0o700 });
  const unlock = await lock(target.backupDir);
  const id = generationId(started);
  const partial = path.join(target.backupDir, `${id}.partial`);
  try {
    // We hold the lock: any `.partial` folder is a backup that crashed midway.
    for (const name of await fs.readdir(target.backupDir))
      if (name.endsWith('.partial'))
        await fs.rm(path.join(target.backupDir, name), { recursive: true, force: true });
    await fs.mkdir(partial, { mode: 0o700 });
    const plain = path.join(partial, 'snapshot.sqlite.tmp');
    const files: ManifestFile[] = [];
    let schemaVersion = 0;
    try {
      await source.db.backup(plain);
      const copy = new Database(plain, { readonly: true });
      try {
        const check = copy.pragma('integrity_check', { simple: true });
        if (check !== 'ok') throw new Error(`backup copy failed integrity_check: ${String(check)}`);
        const row = copy.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as
          | { v: number | null }
          | undefined;
        schemaVersion = row?.v ?? 0;
      } finally {
        copy.close();
      }
      files.push({
        name: DB_NAME,
        ...(await encryptFile(plain, path.join(partial, '0.enc'), target.key, DB_NAME)),
      });
    } finally {
      await fs.rm(plain, { force: true });
    }
    // Blobs after the database: an image written meanwhile is kept without a row (harmless); one purged
    // meanwhile is missing for a row the next purge deletes anyway.
    const blobsRoot = path.join(source.dataDir, 'blobs');
    for (const rel of await walk(blobsRoot)) {
      const name = `blobs/${rel}`;
      const dest = path.join(partial, `${files.length}.enc`);
      try {
        files.push({ name, ...(await encryptFile(path.join(blobsRoot, rel), dest, target.key, name)) });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // purged while we copied
        await fs.rm(dest, { force: true });
      }
    }
    const manifest: BackupManifest = {
      format: 'tsudoi-backup/1',
      id,
      createdAt: started.toISOString(),
      finishedAt: now().toISOString(),
      engine: 'sqlite',
      schemaVersion,
      keyId: target.key.id,
      files,
    };
    const text = JSON.stringify(manifest);
    await fs.writeFile(
      path.join(partial, MANIFEST),
      `${JSON.stringify({ manifest: text, mac: manifestMac(target.key, text) }, null, 1)}\n`,
      { mode: 0o600 },
    );
    const dir = path.join(target.backupDir, id);
    await fs.rename(partial, dir);
    const pruned = generationsToPrune(await listGenerations(target.backupDir), target.keep);
    for (const old of pruned) await fs.rm(path.join(target.backupDir, old), { recursive: true, force: true });
    return {
      id,
      dir,
      files: files.length,
      bytes: files.reduce((n, f) => n + f.bytes, 0),
      pruned,
      durationMs: Math.round(performance.now() - t0),
    };
  } catch (err) {
    await fs.rm(partial, { recursive: true, force: true });
    throw err;
  } finally {
    await unlock();
  }
}
