import { ERROR_CODES, type ErrorBody } from '@tsudoi/protocol';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/http';
import { Superseded } from '../media/mediaSignal';
import { RequestError } from '../realtime/socket';
import { errorText } from './errorText';
import { MESSAGES, type MessageKey } from './messages';
import { problemKey } from './problemKey';

const body = (code: ErrorBody['code']): ErrorBody => ({ code, message: 'raw English from the server' });
const tEn = (key: MessageKey, vars: Record<string, string | number> = {}) =>
  MESSAGES.en[key].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));

describe('the ja/en catalogue', () => {
  it('has the same keys in both languages, none empty', () => {
    expect(Object.keys(MESSAGES.ja).sort()).toEqual(Object.keys(MESSAGES.en).sort());
    for (const lang of ['ja', 'en'] as const)
      for (const [key, text] of Object.entries(MESSAGES[lang]))
        expect(text.trim(), `${lang} ${key}`).not.toBe('');
  });

  it('words every error code the server may send, in both languages', () => {
    for (const code of Object.keys(ERROR_CODES)) {
      expect(MESSAGES.ja, code).toHaveProperty(`err.${code}`);
      expect(MESSAGES.en, code).toHaveProperty(`err.${code}`);
    }
  });
});

describe('what a person reads about a failure', () => {
  it('comes from the code, never the server message', () => {
    for (const code of Object.keys(ERROR_CODES) as Array<ErrorBody['code']>) {
      const text = errorText(tEn, new RequestError(body(code)));
      expect(text).not.toContain('raw English');
      expect(problemKey(new ApiError(body(code)))).toBe(`err.${code}`);
    }
  });

  it('words device failures by their name, and internal errors ("superseded") by the fallback', () => {
    const named = (name: string) => Object.assign(new Error('raw browser text'), { name });
    expect(problemKey(named('NotAllowedError'))).toBe('controls.err.permission');
    expect(problemKey(new DOMException('no microphone', 'NotFoundError'))).toBe('controls.err.noDevice');
    expect(problemKey(new Superseded(), 'problem.media')).toBe('problem.media');
    expect(problemKey(new Error('The server sent no transports.'))).toBe('err.generic');
    expect(errorText(tEn, new Superseded())).toBe(MESSAGES.en['err.generic']);
  });
});
