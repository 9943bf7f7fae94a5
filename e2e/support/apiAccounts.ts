import { type APIRequestContext, type Browser, type BrowserContext, expect, request } from '@playwright/test';
import type { SmtpSink } from '../../apps/server/src/testing/smtpSink';
import { PASSWORD } from './accounts';

/** A signed-in user driven through the HTTP API (fast set-up; the UI flows are covered by accounts.spec). */
export interface ApiUser {
  email: string;
  name: string;
  userId: string;
  api: APIRequestContext;
}

const csrfOf = async (api: APIRequestContext) =>
  (await api.storageState()).cookies.find((c) => c.name === 'tsudoi_csrf')?.value ?? '';

/** POST with the double-submit CSRF header the server requires; fails the test on an error status. */
export async function post<T = unknown>(api: APIRequestContext, path: string, data: unknown): Promise<T> {
  const res = await api.post(path, { data, headers: { 'x-csrf-token': await csrfOf(api) } });
  expect(res.ok(), `${path}: ${res.status()} ${await res.text()}`).toBe(true);
  return (await res.json()) as T;
}

/**
 * Signs up, confirms the email from the real SMTP sink, and signs in with the emailed code — all over
 * HTTP. The returned request context holds the session cookie.
 */
export async function apiSignUp(
  baseUrl: string,
  mail: SmtpSink,
  email: string,
  name: string,
): Promise<ApiUser> {
  const api = await request.newContext({ baseURL: baseUrl });
  await api.get('/api/session'); // 401, but sets the CSRF cookie
  let since = mail.messages.length;
  await post(api, '/api/auth/signup', { email, password: PASSWORD, displayName: name, locale: 'en' });
  const verify = await mail.waitFor(email, /verify\?token=/, since);
  const token = verify.text.match(/verify\?token=([^\s&]+)/)![1]!;
  await post(api, '/api/auth/verify-email', { token: decodeURIComponent(token) });
  since = mail.messages.length;
  const signin = await post<{ next: string }>(api, '/api/auth/signin', { email, password: PASSWORD });
  expect(signin.next).toBe('otp');
  const done = await post<{ session: { user: { id: string } } }>(api, '/api/auth/otp/verify', {
    code: await mail.otpFor(email, since),
  });
  return { email, name, userId: done.session.user.id, api };
}

/** Creates a workspace owned by `owner` and brings every other user in through an emailed invitation. */
export async function apiWorkspace(
  mail: SmtpSink,
  owner: ApiUser,
  name: string,
  members: ApiUser[],
): Promise<string> {
  const ws = await post<{ id: string }>(owner.api, '/api/workspaces', { name });
  for (const m of members) {
    const since = mail.messages.length;
    await post(owner.api, `/api/workspaces/${ws.id}/invitations`, { email: m.email, role: 'member' });
    const invite = await mail.waitFor(m.email, /\/invite\//, since);
    const token = invite.text.match(/\/invite\/(\S+)/)![1]!;
    await post(m.api, `/api/invitations/${token}/accept`, {});
  }
  return ws.id;
}

/** A browser context signed in as the user (the API context's cookies copied over). */
export async function browserFor(browser: Browser, user: ApiUser, locale = 'en-US'): Promise<BrowserContext> {
  return browser.newContext({ storageState: await user.api.storageState(), locale });
}
