import type { ErrorBody, ErrorCode } from '@tsudoi/protocol';
import { ApiError } from '../api/http';
import { RequestError } from '../realtime/socket';
import type { MessageKey } from './messages';
import { MESSAGES } from './messages';

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** Per-action wording for generic codes (a CONFLICT on "drop in" means "full", not "already exists"). */
export type ErrorWording = Partial<Record<ErrorCode, MessageKey>>;

const bodyOf = (err: unknown): ErrorBody | undefined =>
  err instanceof ApiError || err instanceof RequestError ? err.body : undefined;

/** A user-facing sentence for any error (HTTP or socket request), in the current language. */
export function errorText(t: T, err: unknown, wording: ErrorWording = {}): string {
  return knownErrorText(t, err, wording) ?? t('err.generic');
}

/** The sentence for an error the server named with a code this page knows; undefined for anything else. */
export function knownErrorText(t: T, err: unknown, wording: ErrorWording = {}): string | undefined {
  const body = bodyOf(err);
  if (!body) return undefined;
  const { code, fields, retryAfter } = body;
  const key = wording[code] ?? (`err.${code}` as MessageKey);
  if (!(key in MESSAGES.ja)) return undefined;
  if (code === 'PASSWORD_POLICY') {
    const detail = Object.entries(fields ?? {})
      .map(([p, limit]) => t(`pw.${p}` as MessageKey, { n: limit }))
      .join(', ');
    return t(key, { detail });
  }
  return t(key, { seconds: retryAfter ?? 60 });
}
