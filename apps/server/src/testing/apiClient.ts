/**
 * A tiny browser-like HTTP client for tests: keeps cookies per client, sends the CSRF header the way
 * the web app does, and returns status + JSON.
 */
export class ApiClient {
  readonly cookies = new Map<string, string>();
  /** Sent with every request (e.g. a spoofed X-Forwarded-For in proxy tests). */
  readonly headers: Record<string, string> = {};

  constructor(
    readonly baseUrl: string,
    readonly ip = '127.0.0.1',
  ) {}

  // biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed JSON bodies
  async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    if (method !== 'GET' && !this.csrfToken) await this.request('GET', '/api/session');
    const headers: Record<string, string> = { ...this.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const csrf = this.csrfToken;
    if (csrf) headers['x-csrf-token'] = csrf;
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
      const expired = attrs.some(
        (a) => /expires=thu, 01 jan 1970/i.test(a.trim()) || /^max-age=0$/i.test(a.trim()),
      );
      if (expired || value === '') this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  /** The CSRF cookie's value (`tsudoi_csrf`, or `__Host-tsudoi_csrf` in production mode). */
  get csrfToken(): string | undefined {
    return this.cookies.get('tsudoi_csrf') ?? this.cookies.get('__Host-tsudoi_csrf');
  }

  get = (path: string) => this.request('GET', path);
  post = (path: string, body: unknown = {}) => this.request('POST', path, body);
  patch = (path: string, body: unknown) => this.request('PATCH', path, body);
  put = (path: string, body: unknown) => this.request('PUT', path, body);
  delete = (path: string) => this.request('DELETE', path);
}
