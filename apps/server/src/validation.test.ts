import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from './errors.js';
import { parseInput } from './validation.js';

const Schema = z.strictObject({
  name: z.string().min(2),
  size: z.number().max(5),
  kind: z.enum(['a', 'b']),
  email: z.email(),
});

const fieldsOf = (input: unknown): Record<string, string> => {
  try {
    parseInput(Schema, input);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('VALIDATION_FAILED');
    return (err as AppError).toBody().fields ?? {};
  }
  throw new Error('input was accepted');
};

describe('parseInput', () => {
  it('names each bad field with fixed wording, never the validation library’s message', () => {
    const fields = fieldsOf({ name: 'x', size: 9, kind: 'c', email: 'nope', extra: 1 });
    expect(fields).toEqual({
      name: 'too short or too small',
      size: 'too long or too large',
      kind: 'not one of the allowed values',
      email: 'not in the expected format',
      extra: 'not a known field',
    });
    expect(fieldsOf('a string')).toEqual({ _: 'missing or of the wrong type' });
    expect(JSON.stringify(fieldsOf({}))).not.toMatch(/Invalid|expected|received/);
  });

  it('passes valid input through', () => {
    const ok = { name: 'ok', size: 1, kind: 'a', email: 'a@example.com' } as const;
    expect(parseInput(Schema, ok)).toEqual(ok);
  });
});
