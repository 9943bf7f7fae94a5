import type { ApiClient } from './apiClient.js';

/** POSTs raw bytes as the web app does: session cookie, CSRF header, `content-type: text/csv`. */
export async function upload(
  c: ApiClient,
  path: string,
  body: Uint8Array | string,
  contentType = 'text/csv',
  // biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed JSON bodies
): Promise<{ status: number; body: any }> {
  if (!c.csrfToken) await c.get('/api/session');
  const res = await fetch(c.baseUrl + path, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-csrf-token': c.csrfToken!,
      cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    },
    body: typeof body === 'string' ? body : Buffer.from(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
