/** Background colours for initials; each keeps white text at ≥ 4.5:1 contrast (WCAG AA). */
export const AVATAR_COLOURS = [
  '#1d4ed8',
  '#b91c1c',
  '#047857',
  '#7c3aed',
  '#c2410c',
  '#0e7490',
  '#be185d',
  '#4d7c0f',
  '#a21caf',
  '#0f766e',
  '#b45309',
  '#4338ca',
  '#475569',
] as const;

/** A stable colour for a person: FNV-1a of the user id, so it never changes with their name. */
export function avatarColour(userId: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    h ^= userId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return AVATAR_COLOURS[h % AVATAR_COLOURS.length]!;
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/**
 * Initials for a display name: one character for a Japanese (CJK) name — "山田 太郎" → "山" —
 * otherwise the first letters of the first and last words, upper-cased — "Ada Lovelace" → "AL".
 */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = Array.from(words[0]!)[0]!;
  if (CJK.test(first)) return first;
  const last = words.length > 1 ? Array.from(words[words.length - 1]!)[0]! : '';
  return (first + (CJK.test(last) ? '' : last)).toUpperCase();
}
