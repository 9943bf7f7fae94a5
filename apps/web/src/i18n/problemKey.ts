import { ApiError } from '../api/http';
import { RequestError } from '../realtime/socket';
import { deviceErrorKey } from '../screens/room/deviceErrors';
import { MESSAGES, type MessageKey } from './messages';

/**
 * The catalogue key for a failure a person will see: a server refusal by its code, a camera / microphone /
 * screen failure by its DOMException name, anything else (an internal error, a library's English text) as
 * `fallback`. Never the error's own message: stores keep the key, screens translate it when they render.
 */
export function problemKey(err: unknown, fallback: MessageKey = 'err.generic'): MessageKey {
  if (err instanceof ApiError || err instanceof RequestError) {
    const key = `err.${err.body.code}`;
    return key in MESSAGES.ja ? (key as MessageKey) : fallback;
  }
  const device = deviceErrorKey(err);
  return device === 'err.generic' ? fallback : device;
}
