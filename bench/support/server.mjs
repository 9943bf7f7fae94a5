// The built Tsudoi server for benchmarks: a free loopback port (PORT=0), its own DATA_DIR, the development
// mail inbox. Resolves once the server logs the address it listens on.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `prepare(dataDir)` runs on the new, empty DATA_DIR before the server starts (e.g. a cached database). */
export async function startServer(name, env = {}, { startTimeoutMs = 20_000, prepare } = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `tsudoi-bench-${name}-`));
  prepare?.(dataDir);
  // BENCH_SERVER_NODE_ARGS: extra node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  // (node refuses --cpu-prof in NODE_OPTIONS).
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'apps/server/dist/main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      MEDIA_WORKERS: '1',
      RTC_LISTEN_IP: '127.0.0.1',
      DEV_MAIL_INBOX: '1',
      ...env,
      // The listen line is logged at info level; the URL is read from it.
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // BENCH_LOG_DIR=<dir>: every server's whole log goes to <dir>/<name>.log as well (a run's last 20,000
  // characters are kept in memory either way, for a failed run's report).
  if (process.env.BENCH_LOG_DIR) {
    fs.mkdirSync(process.env.BENCH_LOG_DIR, { recursive: true });
    const file = fs.createWriteStream(path.join(process.env.BENCH_LOG_DIR, `${name}.log`));
    child.stdout.pipe(file);
    child.stderr.pipe(file);
  }
  let out = '';
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), startTimeoutMs);
    const onData = (chunk) => {
      out = (out + chunk).slice(-20_000);
      const m = out.match(/"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*Tsudoi is listening/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  // The server's last 20,000 characters of log, for a failed run's report.
  return { url, pid: child.pid, stop, dataDir, output: () => out };
}
