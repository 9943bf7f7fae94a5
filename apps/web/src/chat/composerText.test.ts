import { describe, expect, it } from 'vitest';
import { textAfterFailedSend } from './composerText';

describe('textAfterFailedSend', () => {
  it('puts the unsent message back into an empty box', () => {
    expect(textAfterFailedSend('', 'see you at 3')).toBe('see you at 3');
    expect(textAfterFailedSend('  ', 'see you at 3')).toBe('see you at 3');
  });

  it('keeps what was typed since, after the unsent message', () => {
    expect(textAfterFailedSend('and bring the slides', 'see you at 3')).toBe(
      'see you at 3\nand bring the slides',
    );
  });
});
