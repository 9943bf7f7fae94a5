// People for the socket benchmarks (floor-fanout.mjs, floor-load.mjs): browser-like HTTP clients, sign-up
// through the development inbox, a workspace with N members, workspace sockets, statistics, /proc stats.
import fs from 'node:fs';
import { PROTOCOL_VERSION } from '@tsudoi/protocol';
import { io } from 'socket.io-client';

export const PASSWORD = 'tsudoi bench password';
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The operator token the bench servers get (plan changes go through the operator API). */
export const BENCH_OPS_TOKEN = 'bench-operator-token-not-secret';

/** Server settings that let one loopback address sign up, invite and connect thousands of people. */
export const BULK_LIMITS = {
  OPS_TOKEN: BENCH_OPS_TOKEN,
  AUTH_RATE_LIMIT_PER_IP: '100000',
  INVITES_PER_ADMIN_PER_HOUR: '10000',
  HANDSHAKES_PER_IP_PER_MINUTE: '100000',
  ANON_SOCKETS_PER_IP_MAX: '10000',
  // Signing up thousands of people takes longer than the 30-minute idle timeout: the first ones must not
  // be signed out before their sockets open.
  SESSION_IDLE_MINUTES: '1440',
};

/** Resident set size (current and peak, MB) and CPU seconds of a process, from /proc. */
export function processStats(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0);
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14, 15)
  return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024, cpuSeconds: ticks / 100 };
}

/** A browser-like client: cookies, and the CSRF header the web app sends (as testing/apiClient.ts). */
export class Client {
  cookies = new Map();
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
  }
  get cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  async request(method, p, body) {
    if (method !== 'GET' && !this.cookies.has('tsudoi_csrf')) await this.request('GET', '/api/session');
    const headers = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const csrf = this.cookies.get('tsudoi_csrf');
    if (csrf) headers['x-csrf-token'] = csrf;
    if (this.cookies.size) headers.cookie = this.cookieHeader;
    const res = await fetch(this.baseUrl + p, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const name = pair.slice(0, pair.indexOf('=')).trim();
      const value = pair.slice(pair.indexOf('=') + 1);
      const expired = attrs.some((a) => /^(expires=thu, 01 jan 1970|max-age=0$)/i.test(a.trim()));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    // GET /api/session answers 401 before sign-in but still hands out the CSRF cookie.
    const probe = method === 'GET' && p === '/api/session' && res.status === 401;
    if (!res.ok && !probe) throw new Error(`${method} ${p}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
  post = (p, body = {}) => this.request('POST', p, body);
  patch = (p, body) => this.request('PATCH', p, body);
}

/**
 * One poller for the development inbox (it keeps the last 200 messages): everything seen is kept here,
 * and each waiter takes the first unused message to its address that matches its pattern.
 */
export class Mailbox {
  #seen = new Map();
  #used = new Set();
  #lastId = 0;
  #polling;
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
  }
  async #poll() {
    const { messages } = await (await fetch(`${this.baseUrl}/dev/inbox.json`)).json();
    const fresh = messages.filter((m) => m.id > this.#lastId);
    if (fresh.length && fresh.at(-1).id > this.#lastId + 1 && this.#lastId > 0)
      throw new Error('the dev inbox dropped messages before they were read; lower CONCURRENCY');
    for (const m of fresh) this.#seen.set(m.id, m);
    this.#lastId = Math.max(this.#lastId, ...fresh.map((m) => m.id));
  }
  /** Polls at most every 50 ms however many people are waiting. */
  #refresh() {
    this.#polling ??= Promise.all([this.#poll(), sleep(50)]).finally(() => {
      this.#polling = undefined;
    });
    return this.#polling;
  }
  async take(email, pattern) {
    for (let i = 0; i < 400; i++) {
      for (const m of this.#seen.values()) {
        if (this.#used.has(m.id) || !m.to.includes(email)) continue;
        const match = m.text.match(pattern);
        if (!match) continue;
        this.#used.add(m.id);
        return match[1];
      }
      await this.#refresh();
    }
    throw new Error(`no mail to ${email} matching ${pattern}`);
  }
}

/** Sign-up → verify link → sign-in → email code, all over HTTP. */
export async function signUp(baseUrl, mail, email, displayName) {
  const c = new Client(baseUrl);
  await c.request('GET', '/api/session');
  await c.post('/api/auth/signup', { email, password: PASSWORD, displayName, locale: 'en' });
  const token = await mail.take(email, /verify\?token=([^\s&]+)/);
  await c.post('/api/auth/verify-email', { token: decodeURIComponent(token) });
  const signin = await c.post('/api/auth/signin', { email, password: PASSWORD });
  if (signin.next !== 'otp') throw new Error(`unexpected sign-in step ${signin.next}`);
  const code = await mail.take(email, /sign-in code: (\d{6})/);
  const done = await c.post('/api/auth/otp/verify', { code });
  return { c, email, userId: done.session.user.id };
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the items' order. */
export async function pool(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * An owner and `members` people who signed up and accepted an invitation to one workspace (team plan
 * above 10 seats, enterprise above 500; `seats` when more people will be added otherwise). All mail is read
 * from the server at `url`.
 */
export async function seedWorkspace(url, members, concurrency, seats = members + 1) {
  const mail = new Mailbox(url);
  const owner = await signUp(url, mail, 'owner@bench.example', 'Owner');
  const ws = await owner.c.post('/api/workspaces', { name: 'Bench' });
  if (seats > 10) {
    // Plans change only through the operator (needs a server started with BULK_LIMITS).
    const res = await fetch(`${url}/api/ops/workspaces/${ws.id}/plan`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${BENCH_OPS_TOKEN}`,
        'x-ops-reason': 'benchmark workspace',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ plan: seats > 500 ? 'enterprise' : 'team' }),
    });
    if (!res.ok) throw new Error(`operator plan change: ${res.status} ${await res.text()}`);
  }
  const pad = (i) => String(i).padStart(5, '0');
  const joined = await pool(
    Array.from({ length: members }, (_, i) => i),
    concurrency,
    async (i) => {
      const email = `member${pad(i)}@bench.example`;
      const m = await signUp(url, mail, email, `Member ${i}`);
      await owner.c.post(`/api/workspaces/${ws.id}/invitations`, { email, role: 'member' });
      const token = await mail.take(email, /\/invite\/(\S+)/);
      await m.c.post(`/api/invitations/${encodeURIComponent(decodeURIComponent(token))}/accept`, {});
      return m;
    },
  );
  return { owner, ws, people: [owner, ...joined] };
}

/**
 * A workspace socket authenticated by the person's session cookie (as testing/sockets.ts), connected to
 * `url` (any node: the cookie is valid on all of them); resolves with the socket once the floor snapshot
 * arrived. `listen(s)` attaches the caller's handlers before the connection starts.
 */
export function openSocket(url, person, wsId, listen = () => {}, timeoutMs = 15_000) {
  const s = io(url, {
    auth: { protocolVersion: PROTOCOL_VERSION, workspaceId: wsId },
    transports: ['websocket'],
    extraHeaders: { cookie: person.c.cookieHeader },
    reconnection: false,
    forceNew: true,
  });
  listen(s);
  return whenSnapshot(
    s,
    person,
    timeoutMs,
    (done) => s.once('floor:snapshot', done),
    (fail) => s.once('connect_error', (err) => fail(err.data?.code ?? err.message)),
  );
}

/**
 * Resolves with the socket `s` once `onSnapshot` calls back; rejects when `onRefused` calls back (with the
 * refusal's code) or after `timeoutMs` (the socket is closed then).
 */
export function whenSnapshot(s, person, timeoutMs, onSnapshot, onRefused) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      s.close();
      reject(new Error(`no floor snapshot for ${person.email}`));
    }, timeoutMs);
    onSnapshot(() => {
      clearTimeout(timer);
      resolve(s);
    });
    onRefused((why) => {
      clearTimeout(timer);
      reject(new Error(`${person.email}: ${why}`));
    });
  });
}

/** Emits a request and resolves with the acknowledged data, or rejects with the error code. */
export function request(s, event, payload, timeoutMs = 5_000) {
  return new Promise((resolve, reject) => {
    s.timeout(timeoutMs).emit(event, payload, (err, ack) => {
      if (err) reject(new Error(`${event}: no ack`));
      else if (!ack.ok) reject(new Error(`${event}: ${ack.error.code} ${ack.error.message}`));
      else resolve(ack.data);
    });
  });
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

/** n, p50, p95, p99 and max of a list of numbers (0.1 precision); n = 0 gives nulls. */
export function summary(values) {
  const s = [...values].sort((a, b) => a - b);
  const r = (v) => (v === undefined ? null : Math.round(v * 10) / 10);
  return {
    n: s.length,
    p50: r(quantile(s, 0.5)),
    p95: r(quantile(s, 0.95)),
    p99: r(quantile(s, 0.99)),
    max: r(s.at(-1)),
  };
}
