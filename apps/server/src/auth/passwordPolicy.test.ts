import { describe, expect, it } from 'vitest';
import { DEFAULT_SECURITY, resolveSecurity, strictestSecurity } from '../workspaces/security.js';
import { passwordExpired, passwordProblems } from './passwordPolicy.js';

const rules = DEFAULT_SECURITY.password;

describe('passwordProblems', () => {
  it('enforces 8 to 64 characters, counted as typed (code points)', () => {
    expect(passwordProblems('1234567', rules)).toEqual(['tooShort']);
    expect(passwordProblems('12345678', rules)).toEqual([]);
    expect(passwordProblems('x'.repeat(64), rules)).toEqual([]);
    expect(passwordProblems('x'.repeat(65), rules)).toEqual(['tooLong']);
    expect(passwordProblems('パスワード日本語だ', rules)).toEqual([]); // 9 characters
    expect(passwordProblems('😀😀😀😀', rules)).toEqual(['tooShort']); // 4 characters, 8 UTF-16 units
  });

  it('applies the configured character classes', () => {
    const strict = {
      ...rules,
      requireUpper: true,
      requireLower: true,
      requireDigit: true,
      requireSymbol: true,
    };
    expect(passwordProblems('alllowercase', strict)).toEqual(['needsUpper', 'needsDigit', 'needsSymbol']);
    expect(passwordProblems('Abcdefg1!', strict)).toEqual([]);
  });
});

describe('passwordExpired', () => {
  const now = new Date('2026-11-27T00:00:00Z');
  it('never expires without an expiry', () => {
    expect(passwordExpired('2000-01-01T00:00:00Z', rules, now)).toBe(false);
  });
  it('expires exactly after expiryDays', () => {
    const r = { ...rules, expiryDays: 90 };
    expect(passwordExpired('2026-08-29T00:00:01Z', r, now)).toBe(false);
    expect(passwordExpired('2026-08-29T00:00:00Z', r, now)).toBe(true);
  });
});

describe('strictestSecurity', () => {
  it('combines the workspaces of a user into the strictest rules', () => {
    const a = resolveSecurity({ password: { ...rules, minLength: 12, expiryDays: 180 } });
    const b = resolveSecurity({
      password: { ...rules, requireSymbol: true, lockoutThreshold: 3, expiryDays: 90 },
      mfaRequired: true,
    });
    const s = strictestSecurity([a, b]);
    expect(s.password).toMatchObject({
      minLength: 12,
      requireSymbol: true,
      lockoutThreshold: 3,
      expiryDays: 90,
    });
    expect(s.mfaRequired).toBe(true);
    expect(strictestSecurity([])).toEqual(DEFAULT_SECURITY);
  });
});
