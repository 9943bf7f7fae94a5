import fs from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type BackupManifest, DB_NAME, MANIFEST } from './backupService.js';
import { BackupFileCorrupt, type BackupKey, decryptFile, fileDigest, manifestMac } from './cipherFile.js';
import type { BackupKeys } from './keys.js';

/** Why a restore was refused; `kind` maps to the CLI's exit code. */
export class RestoreRefused extends Error {
  constructor(
    readonly kind: 'target-not-empty' | 'corrupt' | 'wrong-key' | 'missing',
    message: string,
  ) {
    super(message);
    this.name = 'RestoreRefused';
  }
}

// Names a manifest may hold: the database, or a blob key (same rule as FsBlobStore's keys).
const NAME = /^(tsudoi\.sqlite|blobs\/[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*)$/;

/** Reads and authenticates a generation's manifest (HMAC under the backup key of the master key that made it). */
export async function readManifest(
  generationDir: string,
  keys: BackupKeys,
): Promise<{ manifest: BackupManifest; key: BackupKey }> {
  let raw: string;
  try {
    raw = await fs.readFile(path.join(generationDir, MANIFEST), 'utf8');
  } catch {
    throw new RestoreRefused('missing', `no backup at ${generationDir} (no ${MANIFEST})`);
  }
  let outer: { manifest?: unknown; mac?: unknown };
  let manifest: BackupManifest;
  try {
    outer = JSON.parse(raw) as typeof outer;
    manifest = JSON.parse(String(outer.manifest)) as BackupManifest;
  } catch {
    throw new RestoreRefused('corrupt', `${MANIFEST} is not readable JSON: the backup is damaged`);
  }
  if (manifest.format !== 'tsudoi-backup/1' || !Array.isArray(manifest.files))
    throw new RestoreRefused('corrupt', `${MANIFEST} is not a Tsudoi backup manifest`);
  const key = keys.byId(String(manifest.keyId));
  if (!key)
    throw new RestoreRefused(
      'wrong-key',
      `the backup was made under master key ${manifest.keyId}, which is not configured (MASTER_KEY / MASTER_KEY_PREVIOUS)`,
    );
  if (typeof outer.mac !== 'string' || manifestMac(key, String(outer.manifest)) !== outer.mac)
    throw new RestoreRefused('corrupt', `${MANIFEST} fails its authentication check: the backup was altered`);
  for (const f of manifest.files) {
    if (typeof f.name !== 'string' || !NAME.test(f.name) || f.name.length > 600)
      throw new RestoreRefused('corrupt', `${MANIFEST} names an invalid file ${JSON.stringify(f.name)}`);
  }
  if (!manifest.files.some((f) => f.name === DB_NAME))
    throw new RestoreRefused('corrupt', `${MANIFEST} lists no database`);
  return { manifest, key };
}

/** Checks every file of a generation against its manifest checksum, without decrypting. */
export async function verifyGeneration(
  generationDir: string,
  keys: BackupKeys,
): Promise<{ manifest: BackupManifest; key: BackupKey }> {
  const { manifest, key } = await readManifest(generationDir, keys);
  for (const [i, f] of manifest.files.entries()) {
    const got = await fileDigest(path.join(generationDir, `${i}.enc`)).catch(() => undefined);
    if (!got) throw new RestoreRefused('corrupt', `${f.name}: its backup file ${i}.enc is missing`);
    if (got.sha256 !== f.sha256 || got.bytes !== f.bytes)
      throw new RestoreRefused('corrupt', `${f.name}: checksum mismatch in ${i}.enc (SHA-256 differs)`);
  }
  return { manifest, key };
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await fs.readdir(dir)).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

/**
 * R20: restores one generation into a fresh data directory. Refuses a target that exists and is not
 * empty, and a damaged backup (manifest authentication, SHA-256 of each file, GCM tag of each file,
 * `integrity_check` of the database) — all checked before the target is created: the files are
 * decrypted into `<target>.restoring-*` and renamed to `target` at the end.
 */
export async function restoreBackup(
  generationDir: string,
  targetDir: string,
  keys: BackupKeys,
): Promise<{ manifest: BackupManifest; files: number }> {
  const target = path.resolve(targetDir);
  if (!(await isEmptyOrMissing(target)))
    throw new RestoreRefused(
      'target-not-empty',
      `${target} is not empty: restore only into a fresh data directory`,
    );
  const { manifest, key } = await verifyGeneration(generationDir, keys);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const work = await fs.mkdtemp(`${target}.restoring-`);
  try {
    for (const [i, f] of manifest.files.entries()) {
      const dest = path.join(work, ...f.name.split('/'));
      await fs.mkdir(path.dirname(dest), { recursive: true, mode: 0o700 });
      try {
        await decryptFile(path.join(generationDir, `${i}.enc`), dest, key, f.name);
      } catch (err) {
        if (err instanceof BackupFileCorrupt) throw new RestoreRefused('corrupt', err.message);
        throw err;
      }
    }
    const db = new Database(path.join(work, DB_NAME), { readonly: true });
    try {
      const check = db.pragma('integrity_check', { simple: true });
      if (check !== 'ok')
        throw new RestoreRefused('corrupt', `database fails integrity_check: ${String(check)}`);
    } finally {
      db.close();
    }
    if (!(await isEmptyOrMissing(target)))
      throw new RestoreRefused('target-not-empty', `${target} was filled while restoring`);
    await fs.rm(target, { recursive: true, force: true }); // an empty folder
    await fs.rename(work, target);
    return { manifest, files: manifest.files.length };
  } catch (err) {
    await fs.rm(work, { recursive: true, force: true });
    throw err;
  }
}
