import { describe, expect, it } from 'vitest';
import type { Role } from '../auth/accountStore.js';
import type { AccessRequest } from '../workspaces/accessDecision.js';
import { samlMethod, ssoRequiredRule } from './ssoRequiredRule.js';

const OWNER = 'owner-1';
const workspace = (id: string, required: boolean) => ({
  id,
  name: id,
  plan: 'enterprise' as const,
  timeZone: 'Asia/Tokyo',
  createdAt: '2026-01-01T00:00:00Z',
  security: {
    sso: {
      enabled: true,
      required,
      breakGlassUserId: OWNER,
      idpEntityId: `https://idp.${id}.example`,
      ssoUrl: `https://idp.${id}.example/sso`,
      certificates: ['MIIB'],
    },
  },
});

const request = (workspaceId: string, method: string, userId = 'member-1', role: Role = 'member') =>
  ({
    userId,
    session: { id: 's1', userId, method, createdAt: '2026-01-01T00:00:00Z' },
    sessionLive: true,
    workspaceId,
    workspace: workspace(workspaceId, true),
    membership: { workspaceId, userId, role, status: 'active', joinedAt: '2026-01-01T00:00:00Z' },
    needed: 'member',
    clientIp: '192.0.2.1',
    via: 'http',
    now: new Date(),
  }) as AccessRequest;

describe('SSO required: which sessions get in', () => {
  it('a session from this workspace’s own identity provider gets in', () => {
    expect(ssoRequiredRule(request('ws-b', samlMethod('ws-b')))).toBeUndefined();
  });

  it('a SAML session from another workspace’s identity provider does not (an IdP vouches for its own workspace only)', () => {
    expect(ssoRequiredRule(request('ws-b', samlMethod('ws-a')))).toMatchObject({
      allow: false,
      code: 'SSO_REQUIRED',
    });
    // Nor does a method that merely starts like one.
    expect(ssoRequiredRule(request('ws-b', 'saml'))).toMatchObject({ code: 'SSO_REQUIRED' });
  });

  it('password sessions are refused, except the break-glass owner’s that passed the email code', () => {
    expect(ssoRequiredRule(request('ws-b', 'password+email-otp'))).toMatchObject({ code: 'SSO_REQUIRED' });
    expect(ssoRequiredRule(request('ws-b', 'password+email-otp', OWNER, 'owner'))).toBeUndefined();
    expect(ssoRequiredRule(request('ws-b', 'password', OWNER, 'owner'))).toMatchObject({
      code: 'SSO_REQUIRED',
    });
  });
});
