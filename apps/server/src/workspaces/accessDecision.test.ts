import { describe, expect, it } from 'vitest';
import type { Membership } from '../auth/accountStore.js';
import {
  type AccessRequest,
  type AccessRule,
  decideAccess,
  mayManageAccount,
  roleAtLeast,
} from './accessDecision.js';
import type { Workspace } from './workspaceRepo.js';

const ws: Workspace = {
  id: 'ws-a',
  name: 'A',
  plan: 'free',
  timeZone: 'Asia/Tokyo',
  createdAt: '2026-01-01T00:00:00Z',
};
const member: Membership = {
  workspaceId: 'ws-a',
  userId: 'u1',
  role: 'member',
  status: 'active',
  joinedAt: '2026-01-01T00:00:00Z',
};
const base: AccessRequest = {
  userId: 'u1',
  session: { id: 's1', userId: 'u1', method: 'password+email-otp', createdAt: '2026-01-01T00:00:00Z' },
  sessionLive: true,
  workspaceId: 'ws-a',
  workspace: ws,
  membership: member,
  needed: 'member',
  clientIp: '192.0.2.1',
  via: 'http',
  now: new Date('2026-01-02T00:00:00Z'),
};
const reasonOf = (r: AccessRequest, rules: AccessRule[] = []) => {
  const v = decideAccess(r, rules);
  return v.allow ? 'allow' : `${v.reason}/${v.code}`;
};

describe('decideAccess', () => {
  it('allows a live session with an active membership and enough role', () => {
    expect(reasonOf(base)).toBe('allow');
    expect(reasonOf({ ...base, membership: { ...member, role: 'owner' }, needed: 'admin' })).toBe('allow');
  });

  it('refuses an ended session, or a session of someone else, as UNAUTHENTICATED', () => {
    expect(reasonOf({ ...base, sessionLive: false })).toBe('sessionEnded/UNAUTHENTICATED');
    expect(reasonOf({ ...base, session: { ...base.session!, userId: 'u2' } })).toBe(
      'sessionEnded/UNAUTHENTICATED',
    );
  });

  it('answers NOT_FOUND for no membership, a removed one, a disabled one or another workspace’s', () => {
    expect(reasonOf({ ...base, membership: undefined, workspace: undefined })).toBe('notAMember/NOT_FOUND');
    expect(reasonOf({ ...base, membership: { ...member, status: 'disabled' } })).toBe(
      'membershipDisabled/NOT_FOUND',
    );
    expect(reasonOf({ ...base, membership: { ...member, workspaceId: 'ws-b' } })).toBe(
      'notAMember/NOT_FOUND',
    );
    expect(reasonOf({ ...base, membership: { ...member, userId: 'u2' } })).toBe('notAMember/NOT_FOUND');
    expect(reasonOf({ ...base, workspace: undefined })).toBe('noSuchWorkspace/NOT_FOUND');
  });

  it('refuses a role that is too low with FORBIDDEN', () => {
    expect(reasonOf({ ...base, needed: 'admin' })).toBe('roleTooLow/FORBIDDEN');
    expect(reasonOf({ ...base, membership: { ...member, role: 'admin' }, needed: 'owner' })).toBe(
      'roleTooLow/FORBIDDEN',
    );
  });

  it('applies extra rules after the built-in checks, first refusal wins; rules see the client IP', () => {
    const seen: Array<string | null> = [];
    const ipAllowList: AccessRule = (r) => {
      seen.push(r.clientIp);
      return r.clientIp?.startsWith('192.0.2.')
        ? undefined
        : { allow: false, reason: 'ipNotAllowed', code: 'NOT_FOUND', message: 'Workspace not found.' };
    };
    const ssoOnly: AccessRule = (r) =>
      r.session?.method === 'saml'
        ? undefined
        : { allow: false, reason: 'ssoRequired', code: 'FORBIDDEN', message: 'Sign in with SSO.' };
    expect(reasonOf(base, [ipAllowList])).toBe('allow');
    expect(reasonOf({ ...base, clientIp: '203.0.113.9' }, [ipAllowList, ssoOnly])).toBe(
      'ipNotAllowed/NOT_FOUND',
    );
    expect(reasonOf(base, [ipAllowList, ssoOnly])).toBe('ssoRequired/FORBIDDEN');
    // A non-member never reaches the rules.
    seen.length = 0;
    expect(reasonOf({ ...base, membership: undefined }, [ipAllowList])).toBe('notAMember/NOT_FOUND');
    expect(seen).toEqual([]);
  });

  it('ranks roles', () => {
    expect(roleAtLeast('owner', 'admin')).toBe(true);
    expect(roleAtLeast('admin', 'owner')).toBe(false);
    expect(roleAtLeast('member', 'member')).toBe(true);
  });
});

describe('mayManageAccount (account-wide state: lockout, all sessions)', () => {
  const roles = new Map([
    ['ws-a', 'admin' as const],
    ['ws-c', 'member' as const],
  ]);
  it('allows an admin of every workspace the account is in', () => {
    expect(mayManageAccount([{ workspaceId: 'ws-a' }], roles)).toBe(true);
  });
  it('refuses when the account is also in a workspace the admin does not administer', () => {
    expect(mayManageAccount([{ workspaceId: 'ws-a' }, { workspaceId: 'ws-b' }], roles)).toBe(false);
    expect(mayManageAccount([{ workspaceId: 'ws-a' }, { workspaceId: 'ws-c' }], roles)).toBe(false);
    expect(mayManageAccount([], roles)).toBe(false);
  });
});
