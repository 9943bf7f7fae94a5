import { describe, expect, it } from 'vitest';
import { redactUrl } from './redaction.js';

const token = 'q3Zl0rDk7bT9-xY_aP2mN8vC4eR6sW1uJ5hG0fK3iLo';
const uuid = '0b6f7c1e-2d3a-4e5f-8a9b-0c1d2e3f4a5b';

describe('redactUrl', () => {
  it('hides link tokens in paths and query strings', () => {
    expect(redactUrl(`/invite/${token}`)).toBe('/invite/[redacted]');
    expect(redactUrl(`/api/invitations/${token}/accept`)).toBe('/api/invitations/[redacted]/accept');
    expect(redactUrl(`/verify?token=${token}`)).toBe('/verify?token=[redacted]');
    expect(redactUrl(`/reset-password?token=${token}&lang=en`)).toBe(
      '/reset-password?token=[redacted]&lang=en',
    );
    // A short token under a name we do not know, or an unknown route with an opaque segment.
    expect(redactUrl('/x?code=123456')).toBe('/x?code=[redacted]');
    expect(redactUrl(`/some/new/${token}`)).toBe('/some/new/[redacted]');
    expect(redactUrl(`/x?ref=${token}`)).toBe('/x?ref=[redacted]');
  });

  it('keeps ids and ordinary paths readable', () => {
    expect(redactUrl(`/api/workspaces/${uuid}/members`)).toBe(`/api/workspaces/${uuid}/members`);
    expect(redactUrl('/assets/index-B1x2y3.js')).toBe('/assets/index-B1x2y3.js');
    expect(redactUrl('/api/session?limit=20')).toBe('/api/session?limit=20');
  });
});
