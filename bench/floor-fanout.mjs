import fs from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { PROTOCOL_VERSION } from '@tsudoi/protocol';
import { io } from 'socket.io-client';
import { startServer as startBenchServer } from './support/server.mjs';

const MEMBERS = Number(process.env.MEMBERS ?? 100);
const ROUNDS = Number(process.env.ROUNDS ?? 50);
/** Share of people with a second open tab (a second socket of the same session). */
const SECOND_TABS = Number(process.env.SECOND_TABS ?? 0.2);
/** Sign-ups and socket handshakes in flight at once. */
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
/** Longest wait for one event to reach everyone; a socket that has not heard by then counts as missed. */
const EVENT_TIMEOUT_MS = 5_000;
/** The whole run gives up (and stops its server) after this long. */
const RUN_TIMEOUT_MS = Number(process.env.RUN_TIMEOUT_MS ?? 15 * 60_000);
const PASSWORD = 'tsudoi bench password';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* ---------- the server ---------- */

const startServer = () => startBenchServer('fanout', { AUTH_RATE_LIMIT_PER_IP: '100000' });

/** Resident set size (current and peak, MB) and CPU seconds of a process, from /proc. */
function processStats(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0);
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14, 15)
  return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024, cpuSeconds: ticks / 100 };
}

/* ---------- HTTP clients and mail ---------- */

/** A browser-like client: cookies, and the CSRF header the web app sends (as testing/apiClient.ts). */
class Client {
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
class Mailbox {
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
async function signUp(baseUrl, mail, email, displayName) {
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
async function pool(items, limit, fn) {
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

/* ---------- sockets ---------- */

/**
 * A workspace socket authenticated by the person's session cookie (as testing/sockets.ts); resolves once
 * the floor snapshot arrived. Every `floor:roomUpdated` goes to `onRoomUpdated(socketIndex, room)`.
 */
function openSocket(url, person, wsId, index, onRoomUpdated) {
  const s = io(url, {
    auth: { protocolVersion: PROTOCOL_VERSION, workspaceId: wsId },
    transports: ['websocket'],
    extraHeaders: { cookie: person.c.cookieHeader },
    reconnection: false,
    forceNew: true,
  });
  s.on('floor:roomUpdated', (room) => onRoomUpdated(index, room));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no floor snapshot for ${person.email}`)), 15_000);
    s.once('floor:snapshot', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${person.email}: ${err.data?.code ?? err.message}`));
    });
  });
}

/** Emits a request and resolves with the acknowledged data, or rejects with the error code. */
function request(s, event, payload) {
  return new Promise((resolve, reject) => {
    s.timeout(EVENT_TIMEOUT_MS).emit(event, payload, (err, ack) => {
      if (err) reject(new Error(`${event}: no ack`));
      else if (!ack.ok) reject(new Error(`${event}: ${ack.error.code} ${ack.error.message}`));
      else resolve(ack.data);
    });
  });
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const summary = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const r = (v) => Math.round(v * 10) / 10;
  return {
    n: s.length,
    p50: r(quantile(s, 0.5)),
    p95: r(quantile(s, 0.95)),
    p99: r(quantile(s, 0.99)),
    max: r(s.at(-1)),
  };
};

/* ---------- the run ---------- */

const server = await startServer();
const sockets = [];
const giveUp = setTimeout(async () => {
  console.error(`floor-fanout: gave up after ${RUN_TIMEOUT_MS / 1000} s`);
  for (const s of sockets) s.close();
  await server.stop();
  fs.rmSync(server.dataDir, { recursive: true, force: true });
  process.exit(2);
}, RUN_TIMEOUT_MS);
for (const signal of ['SIGINT', 'SIGTERM'])
  process.once(signal, async () => {
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
    process.exit(130);
  });

let failed = false;
try {
  const idle = processStats(server.pid);
  const mail = new Mailbox(server.url);
  let t = performance.now();
  const owner = await signUp(server.url, mail, 'owner@bench.example', 'Owner');
  const ws = await owner.c.post('/api/workspaces', { name: 'Bench' });
  const total = MEMBERS + 1;
  if (total > 10)
    await owner.c.patch(`/api/workspaces/${ws.id}`, { plan: total > 500 ? 'enterprise' : 'team' });
  const pad = (i) => String(i).padStart(5, '0');
  const members = await pool(
    Array.from({ length: MEMBERS }, (_, i) => i),
    CONCURRENCY,
    async (i) => {
      const email = `member${pad(i)}@bench.example`;
      const m = await signUp(server.url, mail, email, `Member ${i}`);
      await owner.c.post(`/api/workspaces/${ws.id}/invitations`, { email, role: 'member' });
      const token = await mail.take(email, /\/invite\/(\S+)/);
      await m.c.post(`/api/invitations/${encodeURIComponent(decodeURIComponent(token))}/accept`, {});
      return m;
    },
  );
  const people = [owner, ...members];
  const signupSeconds = (performance.now() - t) / 1000;
  console.log(
    `signed up ${people.length} people and joined them to the workspace in ${signupSeconds.toFixed(1)} s`,
  );
  const afterSignup = processStats(server.pid);

  // One socket per person, then a second tab for a share of them (spread evenly).
  const tabs = people.map((p) => ({ person: p }));
  const secondTabs = Math.round(people.length * SECOND_TABS);
  for (let k = 0; k < secondTabs; k++)
    tabs.push({ person: people[Math.floor((k * people.length) / secondTabs)] });

  // The event being measured: every socket but the mover's records the delay to the matching update.
  let current;
  const onRoomUpdated = (index, room) => {
    const now = performance.now();
    const e = current;
    if (!e || index === e.from || e.arrived[index] !== undefined || room.id !== e.roomId) return;
    if (room.participants.some((p) => p.userId === e.userId) !== e.inside) return;
    e.arrived[index] = now - e.t0;
    if (++e.count === e.expected) e.done();
  };
  t = performance.now();
  const opened = await pool(tabs, CONCURRENCY, (tab, i) =>
    openSocket(server.url, tab.person, ws.id, i, onRoomUpdated),
  );
  sockets.push(...opened);
  console.log(
    `opened ${sockets.length} sockets (${people.length} people, ${secondTabs} second tabs) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  // Let the presence fan-out of all those arrivals drain before measuring.
  await sleep(2_000);
  const connected = processStats(server.pid);

  const room = await request(sockets[0], 'room:create', { name: 'Fan-out' });
  const latencies = { join: [], leave: [] };
  const slowest = [];
  const acks = [];
  let missed = 0;
  let peakRss = connected.rssMb;
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const cpuBefore = processStats(server.pid).cpuSeconds;
  t = performance.now();
  for (let r = 0; r < ROUNDS; r++) {
    // A different member each round (never the owner, who holds socket 0).
    const from = 1 + (r % MEMBERS);
    const mover = tabs[from].person;
    for (const kind of ['join', 'leave']) {
      const e = {
        roomId: room.id,
        userId: mover.userId,
        inside: kind === 'join',
        from,
        arrived: new Array(sockets.length),
        count: 0,
        expected: sockets.length - 1,
      };
      const all = new Promise((resolve) => {
        e.done = resolve;
      });
      current = e;
      e.t0 = performance.now();
      await request(sockets[from], kind === 'join' ? 'room:join' : 'room:leave', { roomId: room.id });
      acks.push(performance.now() - e.t0);
      let timer;
      await Promise.race([all, new Promise((r) => (timer = setTimeout(r, EVENT_TIMEOUT_MS)))]);
      clearTimeout(timer);
      current = undefined;
      missed += e.expected - e.count;
      const got = e.arrived.filter((v) => v !== undefined);
      latencies[kind].push(...got);
      slowest.push(Math.max(...got));
      peakRss = Math.max(peakRss, processStats(server.pid).rssMb);
      // A short pause so that one event's tail does not overlap the next one's start.
      await sleep(50);
    }
  }
  const roundsSeconds = (performance.now() - t) / 1000;
  loopDelay.disable();
  const end = processStats(server.pid);

  const all = [...latencies.join, ...latencies.leave];
  const result = {
    members: MEMBERS,
    people: people.length,
    sockets: sockets.length,
    events: ROUNDS * 2,
    receiversPerEvent: sockets.length - 1,
    deliveriesMs: summary(all),
    joinMs: summary(latencies.join),
    leaveMs: summary(latencies.leave),
    lastReceiverPerEventMs: summary(slowest),
    ackMs: summary(acks),
    missed,
    over1s: all.filter((v) => v > 1000).length,
    serverRssMb: {
      idle: Math.round(idle.rssMb),
      afterSignup: Math.round(afterSignup.rssMb),
      socketsOpen: Math.round(connected.rssMb),
      peakDuringRounds: Math.round(peakRss),
      peakOverall: Math.round(end.peakRssMb),
    },
    serverCpuSecondsDuringRounds: Math.round((end.cpuSeconds - cpuBefore) * 100) / 100,
    roundsSeconds: Math.round(roundsSeconds * 10) / 10,
    signupSeconds: Math.round(signupSeconds * 10) / 10,
    benchLoopDelayMaxMs: Math.round(loopDelay.max / 1e5) / 10,
    cpus: os.availableParallelism(),
    node: process.version,
    loadAvg1m: Math.round(os.loadavg()[0] * 100) / 100,
  };
  console.log(JSON.stringify(result, null, 2));
  failed = missed > 0;
} catch (err) {
  console.error(err);
  failed = true;
} finally {
  clearTimeout(giveUp);
  for (const s of sockets) s.close();
  await server.stop();
  fs.rmSync(server.dataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
