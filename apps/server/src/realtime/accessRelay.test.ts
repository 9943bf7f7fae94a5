import { ACCESS_END_REASONS } from '@tsudoi/protocol';
import { describe, expect, it } from 'vitest';
import type { SessionEndReason } from '../auth/sessionService.js';
import { accessEndReason } from './accessRelay.js';

describe('accessEndReason (what a person is told when their session ends)', () => {
  it('names each way a session ends with a reason the client explains', () => {
    const told: Record<SessionEndReason, string> = {
      signedOut: 'signedOut',
      expired: 'sessionExpired',
      idle: 'sessionExpired',
      passwordChanged: 'passwordChanged',
      adminSignedOut: 'signedOutByAdmin',
      // The last active membership was disabled: that, not a sign-out, is what the person hears.
      membershipDisabled: 'disabled',
      revoked: 'sessionEnded',
    };
    for (const [reason, expected] of Object.entries(told)) {
      expect(accessEndReason(reason as SessionEndReason)).toBe(expected);
      expect(ACCESS_END_REASONS).toContain(expected);
    }
  });
});
