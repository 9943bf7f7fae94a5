import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeUdpTcpPorts } from './freePorts.js';

/**
 * A real coturn for tests (Debian's `turnserver`, issue 14): the production configuration from
 * infra/turn/turnserver-conf.sh on free 127.0.0.1 ports, with a self-signed certificate for its TLS
 * port, plus — in THIS test configuration only — the loopback peer allowed (the browser and the SFU are
 * both on 127.0.0.1). `stop()` ends only the process this helper started. No vitest imports (e2e uses it).
 */

const GENERATOR = fileURLToPath(new URL('../../../../infra/turn/turnserver-conf.sh', import.meta.url));

export function turnServerBinary(): string | undefined {
  const candidates = process.env.TURNSERVER_BIN
    ? [process.env.TURNSERVER_BIN]
    : ['/usr/bin/turnserver', '/usr/local/bin/turnserver'];
  return candidates.find((bin) => {
    try {
      fs.accessSync(bin, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export const TURN_MISSING =
  'turnserver is not installed (apt-get install -y coturn, or set TURNSERVER_BIN): TURN tests skipped';

export interface RunningTurn {
  /** UDP and TCP (`turn:127.0.0.1:port?transport=tcp`). */
  readonly port: number;
  /** TLS over TCP (`turns:`), self-signed. */
  readonly tlsPort: number;
  readonly realm: string;
  readonly pid: number | undefined;
  /** The configuration file it runs with (for failure messages). */
  readonly configFile: string;
  output(): string;
  /** Stops it (SIGTERM, SIGKILL after 5 s) and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1_000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });

/** Starts turnserver with `secret` as its static-auth-secret; resolves once both listeners accept. */
export async function startTurnServer(secret: string): Promise<RunningTurn> {
  const bin = turnServerBinary();
  if (!bin) throw new Error(TURN_MISSING);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-turn-'));
  const cert = path.join(dir, 'cert.pem');
  const pkey = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-keyout',
      pkey,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  const port = await freeUdpTcpPorts(1);
  let tlsPort = await freeUdpTcpPorts(1);
  while (tlsPort === port) tlsPort = await freeUdpTcpPorts(1);
  const production = execFileSync('bash', [GENERATOR], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      TURN_SECRET: secret,
      TURN_REALM: 'turn.tsudoi.test',
      TURN_CERT: cert,
      TURN_PKEY: pkey,
      TURN_LISTEN_IP: '127.0.0.1',
      TURN_PORT: String(port),
      TURN_TLS_PORT: String(tlsPort),
      TURN_LOG: 'stdout',
      TURN_PIDFILE: path.join(dir, 'turnserver.pid'),
      TURN_USERDB: path.join(dir, 'turndb'),
    },
  });
  const configFile = path.join(dir, 'turnserver.conf');
  fs.writeFileSync(
    configFile,
    `${production}# TEST ONLY (never in production): the browser and the SFU are both on 127.0.0.1; verbose\n` +
      "# logs each user's allocations, which the tests read.\n" +
      'allow-loopback-peers\nallowed-peer-ip=127.0.0.1\nverbose\n',
  );
  let out = '';
  const child: ChildProcess = spawn(bin, ['-c', configFile], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const collect = (b: Buffer) => {
    out = (out + b.toString()).slice(-200_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let alive = true;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      alive = false;
      resolve();
    }),
  );
  const stop = async () => {
    if (alive && child.pid) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (!alive) {
      await stop();
      throw new Error(`turnserver exited at start-up:\n${out}`);
    }
    if ((await accepts(port)) && (await accepts(tlsPort))) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`turnserver did not listen on 127.0.0.1:${port}/${tlsPort}:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    tlsPort,
    realm: 'turn.tsudoi.test',
    get pid() {
      return alive ? child.pid : undefined;
    },
    configFile,
    output: () => out,
    stop,
  };
}
