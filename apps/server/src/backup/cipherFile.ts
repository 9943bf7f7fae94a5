import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';

/**
 * One backup file: `TSDBAK01` (8 bytes) ‖ IV (12) ‖ AES-256-GCM ciphertext ‖ tag (16). The additional data
 * is the file's name inside its generation, so a file moved to another name or generation does not decrypt.
 */
const MAGIC = Buffer.from('TSDBAK01', 'ascii');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = MAGIC.length + IV_BYTES;
const CHUNK = 1 << 20;

/** The keys of a backup, derived from one master key (never the master key itself). */
export interface BackupKey {
  /** AES-256-GCM key for the files. */
  readonly enc: Buffer;
  /** HMAC-SHA-256 key for the manifest. */
  readonly mac: Buffer;
  /** The master key's public id, recorded in each manifest so restore picks the right key (rotation). */
  readonly id: string;
}

/** Splits a 32-byte secret (deriveKey(master, 'backup')) into the file and manifest keys (HKDF-SHA-256). */
export function backupKeyFrom(secret: Uint8Array, id: string): BackupKey {
  if (secret.length !== 32) throw new RangeError('a backup key has 32 bytes');
  const part = (info: string) => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), info, 32));
  return { enc: part('tsudoi backup files v1'), mac: part('tsudoi backup manifest v1'), id };
}

/** HMAC of a manifest's canonical text. */
export function manifestMac(key: BackupKey, text: string): string {
  return createHmac('sha256', key.mac).update(text, 'utf8').digest('hex');
}

async function writeAll(fh: fs.FileHandle, buf: Buffer): Promise<void> {
  let off = 0;
  while (off < buf.length) off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
}

/** Encrypts `src` into the new file `dest` (mode 0600); returns the size and SHA-256 of what was written. */
export async function encryptFile(
  src: string,
  dest: string,
  key: BackupKey,
  name: string,
): Promise<{ bytes: number; sha256: string }> {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.enc, iv);
  cipher.setAAD(Buffer.from(name, 'utf8'));
  const hash = createHash('sha256');
  let bytes = 0;
  const out = await fs.open(dest, 'wx', 0o600);
  const put = async (b: Buffer) => {
    if (b.length === 0) return;
    hash.update(b);
    bytes += b.length;
    await writeAll(out, b);
  };
  try {
    await put(Buffer.concat([MAGIC, iv]));
    for await (const chunk of createReadStream(src, { highWaterMark: CHUNK })) {
      await put(cipher.update(chunk as Buffer));
    }
    await put(cipher.final());
    await put(cipher.getAuthTag());
    await out.sync();
  } finally {
    await out.close();
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** SHA-256 (hex) and size of a file. */
export async function fileDigest(file: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** Thrown when a file is not a backup file or its GCM tag does not match (changed bytes, wrong key or name). */
export class BackupFileCorrupt extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'BackupFileCorrupt';
  }
}

/**
 * Decrypts `src` into the new file `dest`. The tag is checked at the end: on a mismatch `dest` is removed
 * and {@link BackupFileCorrupt} is thrown, so no unauthenticated plaintext survives.
 */
export async function decryptFile(src: string, dest: string, key: BackupKey, name: string): Promise<void> {
  const fh = await fs.open(src, 'r');
  let header: Buffer;
  let tag: Buffer;
  let size: number;
  try {
    size = (await fh.stat()).size;
    if (size < HEADER_BYTES + TAG_BYTES) throw new BackupFileCorrupt(name, 'too short to be a backup file');
    header = Buffer.alloc(HEADER_BYTES);
    tag = Buffer.alloc(TAG_BYTES);
    await fh.read(header, 0, HEADER_BYTES, 0);
    await fh.read(tag, 0, TAG_BYTES, size - TAG_BYTES);
  } finally {
    await fh.close();
  }
  if (!header.subarray(0, MAGIC.length).equals(MAGIC)) throw new BackupFileCorrupt(name, 'not a backup file');
  const decipher = createDecipheriv('aes-256-gcm', key.enc, header.subarray(MAGIC.length));
  decipher.setAAD(Buffer.from(name, 'utf8'));
  decipher.setAuthTag(tag);
  const out = await fs.open(dest, 'wx', 0o600);
  let ok = false;
  try {
    if (size > HEADER_BYTES + TAG_BYTES) {
      const body = createReadStream(src, {
        start: HEADER_BYTES,
        end: size - TAG_BYTES - 1,
        highWaterMark: CHUNK,
      });
      for await (const chunk of body) await writeAll(out, decipher.update(chunk as Buffer));
    }
    try {
      await writeAll(out, decipher.final());
    } catch {
      throw new BackupFileCorrupt(name, 'authentication tag mismatch (changed bytes or a different key)');
    }
    await out.sync();
    ok = true;
  } finally {
    await out.close();
    if (!ok) await fs.rm(dest, { force: true });
  }
}
