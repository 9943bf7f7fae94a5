import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { DEVELOPMENT_MASTER_KEY, deriveKey, masterKeyId } from './masterKey.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('master key configuration', () => {
  it('uses MASTER_KEY (base64 of 32 bytes) and keeps previous keys for a rotation', () => {
    const key = randomBytes(32);
    const old = randomBytes(32);
    const c = loadConfig({ MASTER_KEY: key.toString('base64'), MASTER_KEY_PREVIOUS: old.toString('base64') });
    expect(c.masterKeys.developmentDefault).toBe(false);
    expect(c.masterKeys.current.key.equals(key)).toBe(true);
    expect(c.masterKeys.current.id).toBe(masterKeyId(key));
    expect(c.masterKeys.previous.map((k) => k.id)).toEqual([masterKeyId(old)]);
  });

  it('reads MASTER_KEY_FILE (base64 text or 32 raw bytes)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-mk-'));
    const key = randomBytes(32);
    fs.writeFileSync(path.join(dir, 'b64'), `${key.toString('base64')}\n`);
    fs.writeFileSync(path.join(dir, 'raw'), key);
    expect(loadConfig({ MASTER_KEY_FILE: path.join(dir, 'b64') }).masterKeys.current.key.equals(key)).toBe(
      true,
    );
    expect(loadConfig({ MASTER_KEY_FILE: path.join(dir, 'raw') }).masterKeys.current.key.equals(key)).toBe(
      true,
    );
    expect(problemsOf({ MASTER_KEY_FILE: path.join(dir, 'missing') })[0]).toMatch(
      /^MASTER_KEY_FILE: cannot read/,
    );
    fs.rmSync(dir, { recursive: true });
  });

  it('names a malformed or short key', () => {
    expect(problemsOf({ MASTER_KEY: 'not base64!' })[0]).toMatch(/^MASTER_KEY: must be base64/);
    expect(problemsOf({ MASTER_KEY: randomBytes(16).toString('base64') })[0]).toMatch(/32 bytes \(got 16\)/);
    expect(
      problemsOf({ MASTER_KEY: randomBytes(32).toString('base64'), MASTER_KEY_PREVIOUS: 'x' })[0],
    ).toMatch(/^MASTER_KEY_PREVIOUS:/);
  });

  it('falls back to the marked development key outside production and refuses it in production', () => {
    const dev = loadConfig({});
    expect(dev.masterKeys.developmentDefault).toBe(true);
    expect(dev.masterKeys.current.key.equals(DEVELOPMENT_MASTER_KEY)).toBe(true);
    expect(problemsOf({ NODE_ENV: 'production', SMTP_URL: 'smtp://mail.example.com' })).toContainEqual(
      expect.stringMatching(/^MASTER_KEY: required with NODE_ENV=production/),
    );
    const prod = loadConfig({ NODE_ENV: 'production', MASTER_KEY: randomBytes(32).toString('base64') });
    expect(prod.masterKeys.developmentDefault).toBe(false);
  });
});

describe('deriveKey', () => {
  it('gives a stable 32-byte key per purpose, unrelated across purposes and master keys', () => {
    const m = randomBytes(32);
    expect(deriveKey(m, 'backup')).toHaveLength(32);
    expect(deriveKey(m, 'backup').equals(deriveKey(m, 'backup'))).toBe(true);
    expect(deriveKey(m, 'backup').equals(deriveKey(m, 'blind-index'))).toBe(false);
    expect(deriveKey(m, 'backup').equals(deriveKey(randomBytes(32), 'backup'))).toBe(false);
    expect(() => deriveKey(m, '')).toThrow(TypeError);
  });
});
