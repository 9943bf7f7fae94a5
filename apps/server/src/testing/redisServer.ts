import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A real Redis for tests (Debian's `redis-server`): loopback only, a free port, no persistence, its own
 * directory. `stop()` ends only the process this helper started (by its pid), never any other Redis.
 * Kept free of vitest imports so benchmarks can use it too.
 */

/** `REDIS_SERVER_BIN` overrides where the binary is looked for. */
export function redisServerBinary(): string | undefined {
  const candidates = process.env.REDIS_SERVER_BIN
    ? [process.env.REDIS_SERVER_BIN]
    : ['/usr/bin/redis-server', '/usr/local/bin/redis-server', '/usr/sbin/redis-server'];
  return candidates.find((bin) => {
    try {
      fs.accessSync(bin, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** True when a redis-server binary is installed; test files skip with {@link REDIS_MISSING} otherwise. */
export function redisAvailable(): boolean {
  return redisServerBinary() !== undefined;
}

export const REDIS_MISSING =
  'redis-server is not installed (apt-get install -y redis-server, or set REDIS_SERVER_BIN): Redis tests skipped';

export interface RunningRedis {
  /** `redis://127.0.0.1:PORT`, the value for REDIS_URL. */
  readonly url: string;
  readonly port: number;
  /** The pid of the process this helper started (undefined while stopped). */
  readonly pid: number | undefined;
  /** Stops the server (SIGTERM, SIGKILL after 5 s) — an outage; the port is kept for `start()`. */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty: no persistence), resolving once it answers PING. */
  start(): Promise<void>;
  /** Stops it and removes its directory. Idempotent. */
  dispose(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** One raw PING over RESP; true on +PONG. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let data = '';
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1_000, () => done(false));
    sock.once('error', () => done(false));
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.on('data', (chunk) => {
      data += chunk.toString('latin1');
      if (data.includes('\r\n')) done(data.startsWith('+PONG'));
    });
  });
}

const READY_TIMEOUT_MS = 20_000;

/** Starts redis-server on a free 127.0.0.1 port and waits until it answers PING. */
export async function startRedisServer(): Promise<RunningRedis> {
  const bin = redisServerBinary();
  if (!bin) throw new Error(REDIS_MISSING);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let log = '';

  const start = async () => {
    if (child) return;
    log = '';
    const args = [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--daemonize',
      'no',
      '--protected-mode',
      'yes',
      '--logfile',
      '',
    ];
    const proc = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    const collect = (b: Buffer) => {
      log = (log + b.toString()).slice(-4_000);
    };
    proc.stdout?.on('data', collect);
    proc.stderr?.on('data', collect);
    exited = new Promise((resolve) =>
      proc.once('exit', () => {
        if (child === proc) child = undefined;
        resolve();
      }),
    );
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (child !== proc) throw new Error(`redis-server exited at start-up:\n${log}`);
      if (await pings(port)) return;
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`redis-server did not answer PING on 127.0.0.1:${port}:\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const stop = async () => {
    const proc = child;
    if (!proc?.pid) return;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return child?.pid;
    },
    stop,
    start,
    dispose: async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
