import type { MessageKey } from '../../i18n/messages';

/**
 * The catalogue text for a failed camera / microphone / screen request (DOMException names from
 * getUserMedia and getDisplayMedia); never the browser's own English message.
 */
export function deviceErrorKey(err: unknown): MessageKey {
  const name = (err as { name?: unknown } | null)?.name;
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'controls.err.permission';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'controls.err.noDevice';
    case 'NotReadableError':
    case 'AbortError':
      return 'controls.err.busy';
    case 'ScreenShareUnsupportedError':
      return 'room.shareUnsupported';
    default:
      return 'err.generic';
  }
}
