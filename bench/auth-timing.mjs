// Auth timing (issue 9): do sign-in and sign-up take as long for an address that has no account, or a
// locked one, as for a real one? Median latency of each path against the built server, interleaved
// round-robin so that machine load hits every path alike. Goal: every median within ±25 % of the others.
//
//   npx turbo run build --filter=@tsudoi/server && node bench/auth-timing.mjs     (SAMPLES=40 by default)
import { startServer } from './support/server.mjs';

const SAMPLES = Number(process.env.SAMPLES ?? 40);
const WARMUP = 5;
const PASSWORD = 'tsudoi bench password';
const WRONG = 'not the password at all';
const TOLERANCE = 0.25;

/** A cookie-keeping JSON client that sends the double-submit CSRF header like the web app. */
function client(baseUrl) {
  const cookies = new Map();
  const request = async (method, path, body) => {
    const headers = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (cookies.has('tsudoi_csrf')) headers['x-csrf-token'] = cookies.get('tsudoi_csrf');
    if (cookies.size) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const started = process.hrtime.bigint();
    const res = await fetch(baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';')[0];
      cookies.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    return { status: res.status, body: text ? JSON.parse(text) : undefined, ms };
  };
  return { request, post: (p, b = {}) => request('POST', p, b), get: (p) => request('GET', p) };
}

/** Waits for a mail in the development inbox (newest first) to `to` matching `pattern`. */
async function mailTo(api, to, pattern) {
  for (let i = 0; i < 200; i++) {
    const { body } = await api.get('/dev/inbox.json');
    const m = body.messages.find((x) => x.to.includes(to) && pattern.test(x.text));
    if (m) return m;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no mail to ${to} matching ${pattern}`);
}

/** A confirmed account (sign-up + the mailed link). */
async function account(api, email) {
  await api.post('/api/auth/signup', { email, password: PASSWORD, displayName: 'Bench', locale: 'en' });
  const m = await mailTo(api, email, /verify\?token=/);
  const r = await api.post('/api/auth/verify-email', {
    token: decodeURIComponent(m.text.match(/verify\?token=(\S+)/)[1]),
  });
  if (r.status !== 200) throw new Error(`verify ${email}: ${JSON.stringify(r.body)}`);
}

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  return s[Math.floor(i)] + (s[Math.ceil(i)] - s[Math.floor(i)]) * (i - Math.floor(i));
};

const server = await startServer('auth-timing', {
  AUTH_RATE_LIMIT_PER_IP: '1000000',
  AUTH_RATE_LIMIT_PER_ACCOUNT: '1000000',
  MAIL_PER_ADDRESS_PER_HOUR: '10000',
});
try {
  const api = client(server.url);
  await api.get('/api/session'); // the CSRF cookie
  const run = Date.now().toString(36);

  // Known accounts get at most 4 wrong passwords each, so none of them locks (the 5th would).
  const knownCount = Math.ceil((SAMPLES + WARMUP) / 4);
  const known = [];
  for (let i = 0; i < knownCount; i++) {
    known.push(`known-${i}-${run}@example.com`);
    await account(api, known[i]);
  }
  const locked = `locked-${run}@example.com`;
  await account(api, locked);
  for (let i = 0; i < 5; i++) await api.post('/api/auth/signin', { email: locked, password: WRONG });
  const existing = `existing-${run}@example.com`;
  await account(api, existing);

  let n = 0;
  const paths = {
    'sign-in, known email, wrong password': () =>
      api.post('/api/auth/signin', { email: known[Math.floor(n / 4)], password: WRONG }),
    'sign-in, unknown email': () =>
      api.post('/api/auth/signin', { email: `nobody-${n}-${run}@example.com`, password: WRONG }),
    'sign-in, locked account, wrong password': () =>
      api.post('/api/auth/signin', { email: locked, password: WRONG }),
    'sign-in, locked account, right password': () =>
      api.post('/api/auth/signin', { email: locked, password: PASSWORD }),
    'sign-up, new email': () =>
      api.post('/api/auth/signup', {
        email: `new-${n}-${run}@example.com`,
        password: PASSWORD,
        displayName: 'N',
      }),
    'sign-up, existing email': () =>
      api.post('/api/auth/signup', { email: existing, password: PASSWORD, displayName: 'N' }),
  };
  const times = Object.fromEntries(Object.keys(paths).map((k) => [k, []]));
  const answers = Object.fromEntries(Object.keys(paths).map((k) => [k, new Set()]));
  for (; n < WARMUP + SAMPLES; n++) {
    for (const [name, call] of Object.entries(paths)) {
      const r = await call();
      answers[name].add(`${r.status} ${JSON.stringify(r.body)}`);
      if (n >= WARMUP) times[name].push(r.ms);
    }
  }

  const rows = Object.entries(times).map(([name, xs]) => ({
    name,
    median: quantile(xs, 0.5),
    p25: quantile(xs, 0.25),
    p75: quantile(xs, 0.75),
    answers: [...answers[name]],
  }));
  const report = (group) => {
    const g = rows.filter((r) => r.name.startsWith(group));
    const ref = g[0].median;
    const spread = Math.max(...g.map((r) => r.median)) / Math.min(...g.map((r) => r.median)) - 1;
    const sameAnswer = new Set(g.flatMap((r) => r.answers)).size === 1;
    console.log(`\n${group} (${SAMPLES} samples each, after ${WARMUP} warm-up rounds)`);
    console.log('| path | median ms | p25 | p75 | vs first |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    for (const r of g) {
      const rel = ((r.median / ref - 1) * 100).toFixed(1);
      console.log(
        `| ${r.name} | ${r.median.toFixed(1)} | ${r.p25.toFixed(1)} | ${r.p75.toFixed(1)} | ${rel} % |`,
      );
    }
    console.log(
      `spread max/min − 1 = ${(spread * 100).toFixed(1)} % (goal ≤ ${TOLERANCE * 100} %): ${spread <= TOLERANCE ? 'OK' : 'OVER'}; ` +
        `one answer for all: ${sameAnswer ? 'yes' : `NO ${JSON.stringify(g.map((r) => r.answers))}`}`,
    );
    return spread <= TOLERANCE && sameAnswer;
  };
  const ok = [report('sign-in'), report('sign-up')].every(Boolean);
  process.exitCode = ok ? 0 : 1;
} finally {
  await server.stop();
}
