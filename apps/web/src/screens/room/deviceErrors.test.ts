import { describe, expect, it } from 'vitest';
import { deviceErrorKey } from './deviceErrors';

const named = (name: string) => Object.assign(new Error('raw browser text'), { name });

describe('deviceErrorKey', () => {
  it('words a refused permission, a missing device and a busy device apart', () => {
    expect(deviceErrorKey(named('NotAllowedError'))).toBe('controls.err.permission');
    expect(deviceErrorKey(named('NotFoundError'))).toBe('controls.err.noDevice');
    expect(deviceErrorKey(named('NotReadableError'))).toBe('controls.err.busy');
  });

  it('says screen sharing is unavailable rather than failing', () => {
    expect(deviceErrorKey(named('ScreenShareUnsupportedError'))).toBe('room.shareUnsupported');
  });

  it('falls back to the generic sentence for anything else, never the raw message', () => {
    expect(deviceErrorKey(new Error('superseded'))).toBe('err.generic');
    expect(deviceErrorKey(undefined)).toBe('err.generic');
  });
});
