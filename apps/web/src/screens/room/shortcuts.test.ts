import { describe, expect, it } from 'vitest';
import {
  activeShortcuts,
  offerScreenShare,
  SHORTCUTS,
  setSingleKeysEnabled,
  singleKeysEnabled,
} from './shortcuts';

const memory = () => {
  const data = new Map<string, string>();
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
  };
};

describe('room shortcuts', () => {
  it('uses each key once and has a help entry for every action', () => {
    const keys = SHORTCUTS.map((s) => s.keys);
    expect(new Set(keys).size).toBe(keys.length);
    expect(SHORTCUTS.map((s) => s.action).sort()).toEqual(['camera', 'chat', 'help', 'leave', 'mic']);
  });

  it('never leaves the room on a single key', () => {
    expect(SHORTCUTS.find((s) => s.action === 'leave')?.singleKey).toBe(false);
  });

  it('drops only the single-key shortcuts when they are turned off, and remembers the choice', () => {
    const storage = memory();
    expect(singleKeysEnabled(storage)).toBe(true);
    setSingleKeysEnabled(storage, false);
    expect(singleKeysEnabled(storage)).toBe(false);
    expect(activeShortcuts(false).map((s) => s.action)).toEqual(['leave', 'help']);
    expect(activeShortcuts(true)).toHaveLength(SHORTCUTS.length);
  });

  it('offers screen sharing only with getDisplayMedia and a precise pointer', () => {
    expect(offerScreenShare(true, true)).toBe(true);
    expect(offerScreenShare(true, false)).toBe(false);
    expect(offerScreenShare(false, true)).toBe(false);
  });
});
