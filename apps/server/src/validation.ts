import type { z } from 'zod';
import { AppError } from './errors.js';

/**
 * Fixed wording per zod issue code: clients see what was wrong with a field, never the validation
 * library's own (version-dependent) message text.
 */
const FIELD_PROBLEM: Record<string, string> = {
  invalid_type: 'missing or of the wrong type',
  too_small: 'too short or too small',
  too_big: 'too long or too large',
  invalid_format: 'not in the expected format',
  invalid_value: 'not one of the allowed values',
  invalid_union: 'not in any accepted form',
  unrecognized_keys: 'not a known field',
  not_multiple_of: 'not an allowed step',
};

/** Parses untrusted input with its schema, or throws VALIDATION_FAILED naming each bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const at = issue.path.map(String);
    // Unknown keys are named one by one (their issue sits on the enclosing object).
    const keys = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...at, k]) : [at];
    for (const p of keys) fields[p.length ? p.join('.') : '_'] ??= FIELD_PROBLEM[issue.code] ?? 'not valid';
  }
  throw AppError.badRequest('The request is not valid.', fields);
}
