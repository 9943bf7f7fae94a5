// Access-log export benchmark (issue 12, R14), SQLite: 2,000,000 chained entries of one workspace over
// two years; the CSV export exactly as GET /api/workspaces/:id/access-log.csv streams it (AccessLogService
// pages → csv-stringify), written to a byte-counting sink; and the viewer's filtered first page.
// Seeding runs in this process; the export and the page timings run in a fresh child process, so its peak
// RSS (getrusage maxrss) is the export's alone. ENTRIES overrides the count.
// Build first: `npx tsc -p apps/server/tsconfig.json` (or SERVER_DIST=<another build>), then
// `nice -n 15 node bench/access-log-export.mjs`. KEEP_DIR=<dir>: seed there once and keep it (later runs
// with the same KEEP_DIR reuse it), e.g. to profile the export alone:
// `node --cpu-prof bench/access-log-export.mjs --measure <dir>`.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dist = pathToFileURL(
  path.resolve(process.env.SERVER_DIST ?? new URL('../apps/server/dist', import.meta.url).pathname),
).href;
const { SqliteStore } = await import(`${dist}/storage/sqlite/sqliteStore.js`);
const { AccessLogService } = await import(`${dist}/audit/accessLogService.js`);
const { accessLogCsv } = await import(`${dist}/audit/accessLogCsv.js`);
const { EMPTY_HEAD, nextLink } = await import(`${dist}/audit/accessLogChain.js`);

const N = Number(process.env.ENTRIES ?? 2_000_000);
const WS = '00000000-0000-4000-8000-000000000001';
const NOW = new Date('2026-12-01T00:00:00.000Z');
const SPAN = 2 * 365 * 86_400_000 - 86_400_000; // inside the 2-year window
const USERS = Array.from({ length: 200 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
const TYPES = [
  'auth.signin',
  'auth.signout',
  'room.enter',
  'room.leave',
  'auth.signin_failed',
  'admin.member_updated',
];
const workspace = {
  id: WS,
  name: 'Bench',
  plan: 'enterprise',
  timeZone: 'Asia/Tokyo',
  createdAt: NOW.toISOString(),
};

async function seed(dir) {
  const store = SqliteStore.inDataDir(dir);
  await store.migrate();
  for (const id of USERS) {
    await store.accounts.users.create({
      id,
      email: `${id.slice(-6)}@example.com`,
      displayName: 'U',
      locale: 'ja',
      passwordHash: 'x',
      passwordChangedAt: NOW.toISOString(),
      emailVerifiedAt: NOW.toISOString(),
      mfaEnabled: true,
      failedSignins: 0,
      lockedUntil: null,
      createdAt: NOW.toISOString(),
    });
  }
  const insert = store.db.prepare(
    `INSERT INTO access_log (id, workspace_id, user_id, type, at, ip, user_agent, detail, seq, prev_hash, hash)
     VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
  );
  const t0 = performance.now();
  let head = EMPTY_HEAD;
  const BATCH = 20_000;
  for (let start = 0; start < N; start += BATCH) {
    store.db.transaction(() => {
      for (let i = start; i < Math.min(N, start + BATCH); i++) {
        const e = {
          id: randomUUID(),
          workspaceId: WS,
          userId: USERS[i % USERS.length],
          type: TYPES[i % TYPES.length],
          at: new Date(NOW.getTime() - SPAN + Math.floor((i * SPAN) / N)).toISOString(),
          ip: i % 3 ? '2001:db8::1' : '198.51.100.7',
          userAgent:
            'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36',
          detail: i % 4 === 0 ? { room: 'r-42', via: 'http' } : {},
        };
        const link = nextLink(head, e);
        const c = link.entry;
        insert.run(
          c.id,
          WS,
          c.userId,
          c.type,
          c.at,
          c.ip,
          c.userAgent,
          JSON.stringify(c.detail),
          c.seq,
          c.prevHash,
          c.hash,
        );
        head = link.head;
      }
    })();
  }
  store.db
    .prepare('INSERT INTO access_log_heads VALUES (?, ?, ?, ?, ?)')
    .run(WS, head.seq, head.hash, 0, EMPTY_HEAD.hash);
  const seconds = (performance.now() - t0) / 1000;
  await store.close();
  return seconds;
}

async function measure(dir) {
  const store = SqliteStore.inDataDir(dir);
  await store.migrate();
  const service = new AccessLogService({
    accessLog: store.accessLog,
    users: store.accounts.users,
    clock: () => NOW,
  });
  // The viewer's filtered first page: one user, one type, a 3-month range; and the unfiltered one.
  const time = async (filter, runs = 30) => {
    const ms = [];
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      const page = await service.page(workspace, filter);
      ms.push(performance.now() - t);
      if (page.entries.length === 0) throw new Error(`empty page for ${JSON.stringify(filter)}`);
    }
    ms.sort((a, b) => a - b);
    return { median: ms[Math.floor(runs / 2)], p95: ms[Math.floor(runs * 0.95)], first: ms[0] };
  };
  const filtered = await time({
    user: USERS[8],
    type: 'room.enter',
    from: '2026-01-01T00:00:00.000Z',
    to: '2026-04-01T00:00:00.000Z',
  });
  const byUser = await time({ user: USERS[8] });
  const unfiltered = await time({});
  let bytes = 0;
  let rows = 0;
  const sink = new Writable({
    write(chunk, _enc, cb) {
      bytes += chunk.length;
      // Native search for line ends: a JS loop over every byte cost this sink ~3 % of the run.
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows++;
      cb();
    },
  });
  const t0 = performance.now();
  await pipeline(accessLogCsv(service.export(workspace, {})), sink);
  const seconds = (performance.now() - t0) / 1000;
  await store.close();
  return {
    rows: rows - 1,
    bytes,
    seconds,
    rowsPerSecond: Math.round((rows - 1) / seconds),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    filtered,
    byUser,
    unfiltered,
  };
}

if (process.argv[2] === '--measure') {
  console.log(JSON.stringify(await measure(process.argv[3])));
} else {
  const keep = process.env.KEEP_DIR;
  const dir = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-bench-accesslog-'));
  try {
    console.log(
      `node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model}, load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    const seeded = keep && fs.existsSync(path.join(dir, 'tsudoi.sqlite'));
    const seedSeconds = seeded ? 0 : await seed(dir);
    const fileMB = fs.statSync(path.join(dir, 'tsudoi.sqlite')).size / 1e6;
    console.log(
      `seeded ${N.toLocaleString('en')} chained entries in ${seedSeconds.toFixed(1)} s (${fileMB.toFixed(0)} MB file)`,
    );
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--measure', dir], {
      env: process.env,
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (child.status !== 0) throw new Error(`measure failed: ${child.stderr}`);
    const r = JSON.parse(child.stdout.trim().split('\n').pop());
    const f = (x) =>
      `median ${x.median.toFixed(1)} ms, p95 ${x.p95.toFixed(1)} ms, best ${x.first.toFixed(1)} ms`;
    console.log(
      `export: ${r.rows.toLocaleString('en')} rows, ${(r.bytes / 1e6).toFixed(0)} MB CSV in ${r.seconds.toFixed(1)} s = ${r.rowsPerSecond.toLocaleString('en')} rows/s; peak RSS of the export process ${r.peakRssMB} MB`,
    );
    console.log(`first page, user + type + 3-month range: ${f(r.filtered)}`);
    console.log(`first page, user only: ${f(r.byUser)}`);
    console.log(`first page, no filter: ${f(r.unfiltered)}`);
    console.log(
      `load after: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}
