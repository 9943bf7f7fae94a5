import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { storeEnv } from './storeEngine';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Every server this worker started and that still runs. A test that fails between a restart and its own
 * `stop()` (e.g. media not back in time) would otherwise leave the restarted process running after the
 * worker ends; the worker's exit stops whatever is left (only processes this worker started).
 */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A real Tsudoi server process on a free loopback port with its own temporary DATA_DIR. */
export interface TestServer {
  url: string;
  dataDir: string;
  /** The variables this server was started with on top of the defaults (its store engine among them). */
  env: Readonly<Record<string, string>>;
  process: ChildProcess;
  /** When the listen line was seen (Date.now()): recovery budgets count from here. */
  listenedAt: number;
  /** Everything the server printed (for failure messages). */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /**
   * Stops this process (SIGTERM: a clean stop; SIGKILL: a crash) and starts a new one on the same port with
   * the same DATA_DIR and env.
   */
  restart(signal?: NodeJS.Signals): Promise<TestServer>;
}

/** Starts `apps/server/dist/main.js` (built by `npm test`) and resolves once it listens. */
export async function startServer(given: Record<string, string> = {}): Promise<TestServer> {
  // The engine (E2E_STORE) is chosen once per server: a restart reuses this env, so the same project.
  const env = given.STORE ? given : { ...storeEnv(), ...given };
  const dataDir = env.DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-e2e-'));
  const child = spawn(process.execPath, [path.join(ROOT, 'apps/server/dist/main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      MEDIA_WORKERS: '1',
      RTC_LISTEN_IP: '127.0.0.1',
      LOG_LEVEL: 'info',
      DEV_MAIL_INBOX: '1',
      // Every page of a browser test comes from 127.0.0.1, like an office behind one NAT address: the
      // per-address handshake budget is an operator setting (README) sized for that here.
      HANDSHAKES_PER_IP_PER_MINUTE: '600',
      ANON_SOCKETS_PER_IP_MAX: '50',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let out = '';
  let listenedAt = 0;
  const url = await new Promise<string>((resolve, reject) => {
    // A guard against a server that never starts, not a product bound (R21's "listens within 2 s" is measured
    // quietly by bench/startup.mjs). On a machine loaded with two busy loops, browsers and a test, a restarted
    // server was seen to print nothing for 20 s; Firestore also makes a first round trip to the emulator.
    const limit = 60_000;
    const timer = setTimeout(
      () => reject(new Error(`server did not start in ${limit / 1000} s:\n${out}`)),
      limit,
    );
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = out.match(/"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*Tsudoi is listening/);
      if (m?.[1] && !listenedAt) {
        listenedAt = Date.now();
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  const stop = (signal: NodeJS.Signals = 'SIGTERM') =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      child.once('exit', (code) => resolve(code));
      child.kill(signal);
    });
  return {
    url,
    dataDir,
    env,
    process: child,
    listenedAt,
    output: () => out,
    stop,
    restart: async (signal: NodeJS.Signals = 'SIGTERM') => {
      await stop(signal);
      return startServer({ ...env, DATA_DIR: dataDir, PORT: new URL(url).port });
    },
  };
}
