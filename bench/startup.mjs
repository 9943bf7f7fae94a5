// Start-up time (R21: restart downtime). Spawns the server RUNS times and measures, from the spawn, the
// "Tsudoi is listening" log line and the first 200 from /healthz (polled every 10 ms).
//   node bench/startup.mjs                 # the built server: node apps/server/dist/main.js
//   MODE=npm-start node bench/startup.mjs  # the whole `npm start` (setup check, build check, server)
//   RUNS=10 KEEP_DATA=1 ...                # KEEP_DATA: every run restarts on the same DATA_DIR
//   START_CMD='bash some/start.sh' ...     # any other start command (e.g. an older infra/start.sh)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.RUNS ?? 5);
const MODE = process.env.MODE ?? 'node';
const KEEP_DATA = process.env.KEEP_DATA === '1';

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });

async function healthy(url) {
  try {
    const res = await fetch(`${url}/healthz`);
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

async function once(dataDir) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    RTC_LISTEN_IP: '127.0.0.1',
    DEV_MAIL_INBOX: '1',
    LOG_LEVEL: 'info',
  };
  const [cmd, args] = process.env.START_CMD
    ? ['bash', ['-c', process.env.START_CMD]]
    : MODE === 'npm-start'
      ? ['npm', ['start', '--silent']]
      : [process.execPath, ['apps/server/dist/main.js']];
  const t0 = performance.now();
  // Its own process group, so `npm start`'s shell and the server under it stop together.
  const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let listenedAt;
  let cpuMs;
  const onData = (chunk) => {
    out = (out + chunk).slice(-20_000);
    if (listenedAt === undefined && out.includes('Tsudoi is listening')) {
      listenedAt = performance.now() - t0;
      if (MODE === 'node' && !process.env.START_CMD) cpuMs = processCpuMs(child.pid);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let healthAt;
  const deadline = t0 + 120_000;
  while (healthAt === undefined) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${out}`);
    if (performance.now() > deadline) throw new Error(`no 200 from /healthz within 120 s:\n${out}`);
    if (await healthy(url)) healthAt = performance.now() - t0;
    else await new Promise((r) => setTimeout(r, 10));
  }
  // The listen line is logged once start-up finished, which can be just after the first 200.
  for (const until = performance.now() + 5000; listenedAt === undefined && performance.now() < until; )
    await new Promise((r) => setTimeout(r, 10));
  process.kill(-child.pid, 'SIGTERM');
  const kill = setTimeout(() => process.kill(-child.pid, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(kill);
  return { listenedAt, healthAt, cpuMs };
}

/** CPU time (user + system) the process used so far: on a loaded machine, the part that is its own work. */
function processCpuMs(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in 1/100 s
  } catch {
    return undefined;
  }
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median: Math.round(median), max: Math.round(s.at(-1)), min: Math.round(s[0]) };
};

const shared = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-bench-startup-'));
const results = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const dir = KEEP_DATA ? shared : fs.mkdtempSync(path.join(shared, 'run-'));
    const r = await once(dir);
    results.push(r);
    console.log(
      `run ${i + 1}: listening ${r.listenedAt === undefined ? '(no line)' : `${Math.round(r.listenedAt)} ms`}, ` +
        `/healthz 200 ${Math.round(r.healthAt)} ms` +
        (r.cpuMs === undefined ? '' : `, server CPU until listening ${Math.round(r.cpuMs)} ms`),
    );
  }
} finally {
  fs.rmSync(shared, { recursive: true, force: true });
}
const listened = results.map((r) => r.listenedAt).filter((x) => x !== undefined);
console.log(
  JSON.stringify({
    mode: MODE,
    runs: RUNS,
    keepData: KEEP_DATA,
    listeningMs: listened.length ? stats(listened) : null,
    healthzMs: stats(results.map((r) => r.healthAt)),
    cpuMs: results.some((r) => r.cpuMs !== undefined)
      ? stats(results.map((r) => r.cpuMs).filter((x) => x !== undefined))
      : null,
    loadAvg: os.loadavg().map((x) => x.toFixed(2)),
  }),
);
