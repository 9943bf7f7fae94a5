import { describe, expect, it } from 'vitest';
import { judgeOrigin, type OriginPolicy } from './origins.js';

const policy =
  (origins: string[], sameHost = false) =>
  () =>
    ({ origins: new Set(origins), sameHost }) satisfies OriginPolicy;

describe('judgeOrigin', () => {
  const p = policy(['https://tsudoi.example']);
  it('allows listed origins and requests without an Origin (not made by a browser)', () => {
    expect(judgeOrigin({ origin: 'https://tsudoi.example' }, p)).toBe('allowed');
    expect(judgeOrigin({}, p)).toBe('absent');
  });

  it('refuses other sites, "null" and other schemes or ports as foreign', () => {
    expect(judgeOrigin({ origin: 'https://evil.example' }, p)).toBe('foreign');
    expect(judgeOrigin({ origin: 'null' }, p)).toBe('foreign');
    expect(judgeOrigin({ origin: 'http://tsudoi.example' }, p)).toBe('foreign');
    expect(judgeOrigin({ origin: 'https://tsudoi.example:8443' }, p)).toBe('foreign');
    expect(judgeOrigin({ origin: 'https://tsudoi.example.evil.example' }, p)).toBe('foreign');
  });

  it('calls anything that is not one serialized origin malformed', () => {
    for (const bad of [
      'tsudoi.example',
      'https://tsudoi.example/',
      'https://tsudoi.example/path',
      'https://tsudoi.example, https://evil.example',
      'https://user@tsudoi.example',
      'HTTPS://TSUDOI.EXAMPLE',
      '%%%',
      'javascript:alert(1)',
    ]) {
      expect(judgeOrigin({ origin: bad }, p), bad).toBe('malformed');
    }
  });

  it('without PUBLIC_URL, also accepts the request host itself', () => {
    const own = policy([], true);
    expect(judgeOrigin({ origin: 'http://192.168.1.5:3000', host: '192.168.1.5:3000' }, own)).toBe('allowed');
    expect(judgeOrigin({ origin: 'http://evil.example', host: '192.168.1.5:3000' }, own)).toBe('foreign');
    expect(judgeOrigin({ origin: 'http://192.168.1.5:3000', host: '192.168.1.5:3000' }, p)).toBe('foreign');
  });
});
