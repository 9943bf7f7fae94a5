import { describe, expect, it } from 'vitest';
import { DEFAULT_ATTENTION_SETTINGS } from './attentionPolicy';
import { mergeSettings, parseStored } from './attentionSettings';

describe('stored attention settings', () => {
  it('read back what this browser remembered, over the defaults', () => {
    const stored = parseStored(
      JSON.stringify({ settings: { oneOnOne: { notify: false, sound: true } }, promptDismissed: true }),
    );
    expect(stored.promptDismissed).toBe(true);
    expect(mergeSettings(stored.settings)).toEqual({
      ...DEFAULT_ATTENTION_SETTINGS,
      oneOnOne: { notify: false, sound: true },
    });
  });

  it('fall back to the defaults for missing, broken or foreign data', () => {
    for (const raw of [null, '', '{', '"text"', '[]', '{"settings":{"oneOnOne":{"notify":"no"}}}'])
      expect(mergeSettings(parseStored(raw).settings)).toEqual(DEFAULT_ATTENTION_SETTINGS);
    // An unknown kind is refused as a whole rather than half-applied.
    expect(parseStored('{"settings":{"party":{"notify":false}}}')).toEqual({});
  });

  it('keep a kind stored before another kind existed, the new one on', () => {
    const merged = mergeSettings({ knock: { sound: false } });
    expect(merged.knock).toEqual({ notify: true, sound: false });
    expect(merged.roomEntry).toEqual({ notify: true, sound: true });
  });
});
