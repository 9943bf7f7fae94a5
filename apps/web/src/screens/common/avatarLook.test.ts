import { describe, expect, it } from 'vitest';
import { AVATAR_COLOURS, avatarColour, initials } from './avatarLook';

describe('avatarColour', () => {
  it('gives the same person the same colour every time', () => {
    expect(avatarColour('u-123')).toBe(avatarColour('u-123'));
  });

  it('spreads different people over the palette', () => {
    const seen = new Set(Array.from({ length: 60 }, (_, i) => avatarColour(`user-${i}`)));
    expect(seen.size).toBeGreaterThan(AVATAR_COLOURS.length / 2);
    for (const c of seen) expect(AVATAR_COLOURS).toContain(c);
  });
});

describe('initials', () => {
  it('takes first and last word initials for latin names', () => {
    expect(initials('Ada Lovelace')).toBe('AL');
    expect(initials('grace  brewster hopper')).toBe('GH');
    expect(initials('Linus')).toBe('L');
  });

  it('takes one character for Japanese names', () => {
    expect(initials('山田 太郎')).toBe('山');
    expect(initials('さくら')).toBe('さ');
  });

  it('never returns an empty string', () => {
    expect(initials('   ')).toBe('?');
  });
});
