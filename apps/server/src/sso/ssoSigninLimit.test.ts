import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/testApp.js';
import { SSO_SIGNIN_PER_IP_PER_MINUTE } from './ssoRoutes.js';

// The anonymous SSO endpoints store a request (login) or write the access log (ACS) for every call: an
// address that floods them is stopped, where before each call did its work without limit.

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const login = (workspaceId: string) =>
  fetch(`${t.app.url}/api/sso/${workspaceId}/login`, { redirect: 'manual' });
const acs = (workspaceId: string) =>
  fetch(`${t.app.url}/api/sso/${workspaceId}/acs`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'SAMLResponse=x',
  });

describe('SSO sign-in starts and ACS posts, per client address', () => {
  it(`answer each on its merits up to ${SSO_SIGNIN_PER_IP_PER_MINUTE} a minute, then RATE_LIMITED`, async () => {
    const unknown = randomUUID();
    // Half logins, half ACS posts: one budget for both (each is one sign-in step).
    for (let i = 0; i < SSO_SIGNIN_PER_IP_PER_MINUTE; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: 50 }, (_, j) => ((i + j) % 2 === 0 ? login(unknown) : acs(unknown))),
      );
      for (const r of batch) expect(r.headers.get('location')).not.toBe('/signin?sso_error=RATE_LIMITED');
    }
    expect((await login(unknown)).headers.get('location')).toBe('/signin?sso_error=RATE_LIMITED');
    expect((await acs(unknown)).headers.get('location')).toBe('/signin?sso_error=RATE_LIMITED');
  });
});
