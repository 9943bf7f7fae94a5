import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dataKeyRepoOf } from '../storage/dataKeyRepo.js';
import { SqliteStore } from '../storage/sqlite/sqliteStore.js';
import { DataKeys } from './dataKeys.js';
import { parseMasterKey } from './masterKey.js';
import { OpenedValues } from './openedValues.js';
import { PersonalDataCodec } from './personalData.js';

describe('OpenedValues: opened personal data kept for the next reader', () => {
  it('opens each value once, keeps at most its capacity (the oldest opened goes first)', () => {
    const opened = new OpenedValues(2);
    let opens = 0;
    const open = (v: string) => () => {
      opens++;
      return v.toUpperCase();
    };
    expect(opened.get('a', open('a'))).toBe('A');
    expect(opened.get('a', open('a'))).toBe('A');
    expect(opens).toBe(1);
    opened.get('b', open('b'));
    opened.get('a', open('a')); // a hit: still the oldest
    opened.get('c', open('c')); // evicts a
    expect(opened.size).toBe(2);
    expect(opens).toBe(3);
    opened.get('b', open('b'));
    expect(opens).toBe(3);
    opened.get('a', open('a'));
    expect(opens).toBe(4);
  });

  it('keeps nothing when opening fails', () => {
    const opened = new OpenedValues();
    const fail = () => {
      throw new Error('does not open');
    };
    expect(() => opened.get('x', fail)).toThrow('does not open');
    expect(opened.size).toBe(0);
  });
});

describe('PersonalDataCodec with opened values', () => {
  async function codec() {
    const ring = {
      current: parseMasterKey(randomBytes(32).toString('base64')),
      previous: [],
      developmentDefault: false,
    };
    const engine = new SqliteStore(':memory:');
    await engine.migrate();
    return PersonalDataCodec.open(new DataKeys(await dataKeyRepoOf(engine), ring, () => new Date()));
  }

  it('a name sealed for one user does not open under another user, even after it was opened for its own', async () => {
    const c = await codec();
    const sealed = c.sealName('user-1', '田中 愛子');
    expect(c.openName('user-1', sealed)).toBe('田中 愛子');
    expect(c.openName('user-1', sealed)).toBe('田中 愛子');
    expect(() => c.openName('user-2', sealed)).toThrow();
  });

  it('opens addresses and changed names right after they change', async () => {
    const c = await codec();
    expect(c.openEmail(c.sealEmail('Aiko@Example.com'))).toBe('aiko@example.com');
    const first = c.sealName('user-1', 'Aiko');
    const renamed = c.sealName('user-1', 'Aiko T.');
    expect(c.openName('user-1', first)).toBe('Aiko');
    expect(c.openName('user-1', renamed)).toBe('Aiko T.');
  });
});
