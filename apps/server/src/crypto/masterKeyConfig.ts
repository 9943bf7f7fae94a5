import type { Env } from '../config.js';
import {
  developmentKeyring,
  type MasterKey,
  type MasterKeyring,
  parseMasterKey,
  readMasterKeyFile,
} from './masterKey.js';

/** The settings the keyring is made from (validated strings, as config.ts's schema yields them). */
export type MasterKeyEnv = Pick<
  Env,
  'MASTER_KEY' | 'MASTER_KEY_FILE' | 'MASTER_KEY_PREVIOUS' | 'MASTER_KEY_PREVIOUS_FILE' | 'NODE_ENV'
>;

/** MASTER_KEY* → the keyring; the public development key only outside production. */
export function masterKeysOf(e: MasterKeyEnv, problems: string[]): MasterKeyring | undefined {
  const one = (name: string, read: () => MasterKey): MasterKey | undefined => {
    try {
      return read();
    } catch (err) {
      problems.push(`${name}: ${(err as Error).message}`);
      return undefined;
    }
  };
  if (e.MASTER_KEY && e.MASTER_KEY_FILE)
    problems.push('MASTER_KEY_FILE: set MASTER_KEY or MASTER_KEY_FILE, not both');
  const previous: MasterKey[] = [];
  for (const text of (e.MASTER_KEY_PREVIOUS ?? '').split(',').filter((t) => t.trim())) {
    const k = one('MASTER_KEY_PREVIOUS', () => parseMasterKey(text));
    if (k) previous.push(k);
  }
  const prevFile = e.MASTER_KEY_PREVIOUS_FILE;
  const pf = prevFile ? one('MASTER_KEY_PREVIOUS_FILE', () => readMasterKeyFile(prevFile)) : undefined;
  if (pf) previous.push(pf);
  const file = e.MASTER_KEY_FILE;
  const current = e.MASTER_KEY
    ? one('MASTER_KEY', () => parseMasterKey(e.MASTER_KEY ?? ''))
    : file
      ? one('MASTER_KEY_FILE', () => readMasterKeyFile(file))
      : undefined;
  if (!current) {
    if (e.MASTER_KEY || file) return undefined;
    if (e.NODE_ENV === 'production') {
      problems.push(
        'MASTER_KEY: required with NODE_ENV=production (base64 of 32 random bytes, or MASTER_KEY_FILE); the development key is public',
      );
      return undefined;
    }
    if (previous.length > 0) problems.push('MASTER_KEY_PREVIOUS: needs MASTER_KEY (the new key) beside it');
    return developmentKeyring();
  }
  return { current, previous: previous.filter((k) => k.id !== current.id), developmentDefault: false };
}
