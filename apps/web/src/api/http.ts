import { type ErrorBody, isErrorBody } from '@tsudoi/protocol';

/** A failed API call with the server's stable error code. */
export class ApiError extends Error {
  constructor(readonly body: ErrorBody) {
    super(body.message);
    this.name = 'ApiError';
  }
}

/**
 * The CSRF token the server set as a cookie (sent back in `x-csrf-token` on state-changing calls);
 * `__Host-` in production (https); the server keeps it equal to the signed-in session's token.
 */
export const csrfCookie = () => document.cookie.match(/(?:^|;\s*)(?:__Host-)?tsudoi_csrf=([^;]+)/)?.[1];

/** Calls the JSON API; state-changing calls echo the CSRF cookie in X-CSRF-Token. */
export async function api<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  if (method !== 'GET' && !csrfCookie()) await fetch('/api/session', { credentials: 'same-origin' });
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const csrf = csrfCookie();
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError({ code: 'UNAVAILABLE', message: 'The server cannot be reached.' });
  }
  const text = await res.text();
  const json: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    throw new ApiError(isErrorBody(json) ? json : { code: 'INTERNAL', message: `HTTP ${res.status}` });
  }
  return json as T;
}
