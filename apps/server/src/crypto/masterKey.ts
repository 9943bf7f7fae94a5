import { createHash, createHmac, hkdfSync } from 'node:crypto';
import fs from 'node:fs';

/**
 * The master key: the root of encryption at rest (R19). It never encrypts data itself; it wraps the
 * per-workspace data keys (`dataKeys.ts`) and derives purpose keys ({@link deriveKey}). It comes from
 * configuration only (`MASTER_KEY` base64 or `MASTER_KEY_FILE`, read by `config.ts`); during a rotation the
 * old key is configured beside it (`MASTER_KEY_PREVIOUS` / `MASTER_KEY_PREVIOUS_FILE`). See docs/SECURITY.md.
 */
export interface MasterKey {
  /** Short public id derived from the key (not the key): recorded beside everything the key wraps. */
  readonly id: string;
  readonly key: Buffer;
}

/** The configured master keys: `current` wraps new data keys, `previous` are only read (rotation). */
export interface MasterKeyring {
  readonly current: MasterKey;
  readonly previous: readonly MasterKey[];
  /** True when no key was configured and the public development key is in use (refused in production). */
  readonly developmentDefault: boolean;
}

export const MASTER_KEY_BYTES = 32;

/**
 * DEVELOPMENT ONLY — NOT A SECRET. The key used when MASTER_KEY is unset outside production, so a dev
 * checkout starts without setup. Anyone can compute it: data under it is not protected. `loadConfig`
 * refuses it when NODE_ENV=production and the server logs a warning whenever it is in use.
 */
export const DEVELOPMENT_MASTER_KEY: Buffer = createHash('sha256')
  .update('tsudoi development master key - public, never use in production')
  .digest();

/** The id recorded with wrapped keys: the first 8 bytes of an HMAC of a fixed label, hex (reveals nothing of the key). */
export function masterKeyId(key: Uint8Array): string {
  return createHmac('sha256', key).update('tsudoi master key id').digest('hex').slice(0, 16);
}

/** A master key from its base64 text (32 bytes); throws an Error whose message names the problem. */
export function parseMasterKey(text: string): MasterKey {
  const t = text.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(t))
    throw new Error('must be base64 (e.g. from `openssl rand -base64 32`)');
  const key = Buffer.from(t, 'base64');
  if (key.length !== MASTER_KEY_BYTES) {
    throw new Error(`must decode to ${MASTER_KEY_BYTES} bytes (got ${key.length})`);
  }
  return { id: masterKeyId(key), key };
}

/** Reads a key file: base64 text, or exactly 32 raw bytes. Throws an Error naming the problem. */
export function readMasterKeyFile(file: string): MasterKey {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(file);
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (raw.length === MASTER_KEY_BYTES) return { id: masterKeyId(raw), key: raw };
  return parseMasterKey(raw.toString('utf8'));
}

/** The development keyring (tests and local runs without MASTER_KEY). */
export function developmentKeyring(): MasterKeyring {
  return {
    current: { id: masterKeyId(DEVELOPMENT_MASTER_KEY), key: DEVELOPMENT_MASTER_KEY },
    previous: [],
    developmentDefault: true,
  };
}

/** The configured key with this id, current or previous. */
export function keyById(ring: MasterKeyring, id: string): MasterKey | undefined {
  if (ring.current.id === id) return ring.current;
  return ring.previous.find((k) => k.id === id);
}

/**
 * A 32-byte key for one purpose, derived from a master key with HKDF-SHA256 (RFC 5869), e.g.
 * `deriveKey(config.masterKeys.current, 'backup')` for encrypting backup files. Deterministic: the same
 * master key and purpose always give the same key, different purposes give unrelated keys. Kept this
 * simple on purpose for other modules (backups): record `master.id` beside what you encrypt, and on
 * reading pick the master with `keyById(ring, id)` so a rotated master key still opens old files.
 */
export function deriveKey(master: MasterKey | Uint8Array, purpose: string): Buffer {
  if (!/^[a-z0-9][a-z0-9.-]{0,63}$/.test(purpose)) throw new TypeError(`invalid key purpose: ${purpose}`);
  const ikm = master instanceof Uint8Array ? master : master.key;
  return Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), `tsudoi/${purpose}`, 32));
}
