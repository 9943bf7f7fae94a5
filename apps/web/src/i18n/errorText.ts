import { ApiError } from '../api/http';
import type { MessageKey } from './messages';
import { MESSAGES } from './messages';

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** A user-facing sentence for any error, in the current language. */
export function errorText(t: T, err: unknown): string {
  if (!(err instanceof ApiError)) return t('err.generic');
  const { code, fields, retryAfter } = err.body;
  const key = `err.${code}` as MessageKey;
  if (!(key in MESSAGES.ja)) return t('err.generic');
  if (code === 'PASSWORD_POLICY') {
    const detail = Object.keys(fields ?? {})
      .map((p) => t(`pw.${p}` as MessageKey))
      .join(', ');
    return t(key, { detail });
  }
  return t(key, { seconds: retryAfter ?? 60 });
}
