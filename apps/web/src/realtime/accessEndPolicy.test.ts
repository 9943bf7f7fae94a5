import { describe, expect, it } from 'vitest';
import { accessOutcome, explainDrop } from './accessEndPolicy';

describe('accessOutcome (what the page does when the server ends its workspace socket)', () => {
  it('removed or disabled: leave this workspace only, saying which', () => {
    expect(accessOutcome({ kind: 'accessEnded', reason: 'removed' })).toEqual({
      leave: 'workspace',
      reason: 'removed',
    });
    expect(accessOutcome({ kind: 'accessEnded', reason: 'disabled' })).toEqual({
      leave: 'workspace',
      reason: 'disabled',
    });
  });

  it('an IP allow-list that no longer includes this network: leave this workspace only, saying why', () => {
    expect(accessOutcome({ kind: 'accessEnded', reason: 'ipNotAllowed' })).toEqual({
      leave: 'workspace',
      reason: 'ipNotAllowed',
    });
    // A reconnect from the same network is refused at the handshake: the same outcome, not a retry loop.
    expect(accessOutcome({ kind: 'refused', code: 'IP_NOT_ALLOWED' })).toEqual({
      leave: 'workspace',
      reason: 'ipNotAllowed',
    });
  });

  it('a deleted workspace: leave this workspace only, saying it was deleted', () => {
    expect(accessOutcome({ kind: 'accessEnded', reason: 'workspaceClosed' })).toEqual({
      leave: 'workspace',
      reason: 'workspaceClosed',
    });
  });

  it('SSO now required, or a session from another workspace’s IdP: leave this workspace only, saying why', () => {
    expect(accessOutcome({ kind: 'accessEnded', reason: 'ssoRequired' })).toEqual({
      leave: 'workspace',
      reason: 'ssoRequired',
    });
    // Refused at the handshake (before: retried every few seconds, "Connecting…" for good).
    expect(accessOutcome({ kind: 'refused', code: 'SSO_REQUIRED' })).toEqual({
      leave: 'workspace',
      reason: 'ssoRequired',
    });
    expect(accessOutcome({ kind: 'refused', code: 'SSO_SESSION_ELSEWHERE' })).toEqual({
      leave: 'workspace',
      reason: 'ssoElsewhere',
    });
  });

  it('every session reason: back to sign-in, with that reason', () => {
    for (const reason of [
      'signedOut',
      'sessionExpired',
      'passwordChanged',
      'signedOutByAdmin',
      'sessionEnded',
    ] as const)
      expect(accessOutcome({ kind: 'accessEnded', reason })).toEqual({ leave: 'session', reason });
  });

  it('a reconnect refused at the handshake ends the same way instead of retrying', () => {
    expect(accessOutcome({ kind: 'refused', code: 'NOT_FOUND' })).toEqual({
      leave: 'workspace',
      reason: 'noAccess',
    });
    expect(accessOutcome({ kind: 'refused', code: 'UNAUTHENTICATED' })).toEqual({
      leave: 'session',
      reason: 'sessionEnded',
    });
  });

  it('a disconnect without a reason asks the server first', () => {
    expect(accessOutcome({ kind: 'dropped' })).toEqual({ leave: 'unknown' });
  });
});

describe('explainDrop (a silent disconnect, explained by /api/session)', () => {
  it('no session: it ended; workspace not listed: access to it ended', () => {
    expect(explainDrop(false, false)).toEqual({ leave: 'session', reason: 'sessionEnded' });
    expect(explainDrop(true, false)).toEqual({ leave: 'workspace', reason: 'noAccess' });
  });

  it('still signed in and still a member: nothing ended, the page stays', () => {
    expect(explainDrop(true, true)).toBeUndefined();
  });
});
