// One Tsudoi node (SQLite, everything in one process) or several nodes sharing Redis (Debian's
// redis-server on a free loopback port, started and stopped here) and the Firestore emulator (SQLite
// cannot be shared between processes). See docs/SCALING.md for what the nodes share.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startFirestoreEmulator } from './firestoreEmulator.mjs';
import { startServer } from './server.mjs';

const REDIS_BIN =
  process.env.REDIS_SERVER_BIN ||
  ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((b) => fs.existsSync(b));

const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

const pings = (port) =>
  new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1_000, () => done(false));
    sock.once('error', () => done(false));
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.once('data', (b) => done(b.toString('latin1').startsWith('+PONG')));
  });

/** redis-server on a free 127.0.0.1 port, no persistence, its own directory; `stop()` ends only it. */
export async function startRedis() {
  if (!REDIS_BIN) throw new Error('redis-server is not installed (apt-get install -y redis-server)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-bench-redis-'));
  const port = await freePort();
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'];
  const child = spawn(REDIS_BIN, [...args, '--dir', dir, '--logfile', ''], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (b) => {
    log = (log + b).slice(-4_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((r) => child.once('exit', r));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  while (!(await pings(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`redis-server did not answer on 127.0.0.1:${port}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `redis://127.0.0.1:${port}`, pid: child.pid, stop };
}

/**
 * `count` nodes named `<name>-a`, `<name>-b`, …: one plain node for count 1 (unless `shared`), else Redis +
 * the Firestore emulator (a fresh `demo-bench-*` project) + the nodes. `shared` with count 1: one node set up
 * like a cluster's (Redis and the emulator), to compare one node with two on the same path (figure 3). Resolves to `{ nodes, stop }`, each node as
 * support/server.mjs returns it plus `id`. `env` goes to every node; `prepare(dataDir)` (one node only) runs
 * on the node's empty DATA_DIR before it starts.
 */
export async function startCluster(name, count, env = {}, { prepare, shared: asCluster = false } = {}) {
  if (count === 1 && !asCluster) {
    const node = await startServer(name, env, { prepare });
    return {
      nodes: [{ ...node, id: `${name}-a` }],
      stop: async () => {
        await node.stop();
        fs.rmSync(node.dataDir, { recursive: true, force: true });
      },
    };
  }
  const stops = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((e) => console.error(e));
  };
  try {
    const redis = await startRedis();
    stops.push(redis.stop);
    const emulator = process.env.FIRESTORE_EMULATOR_HOST
      ? { host: process.env.FIRESTORE_EMULATOR_HOST, stop: async () => {} }
      : await startFirestoreEmulator();
    stops.push(emulator.stop);
    const shared = {
      ...env,
      STORE: 'firestore',
      FIRESTORE_EMULATOR_HOST: emulator.host,
      FIRESTORE_PROJECT_ID: `demo-bench-${name}-${Date.now().toString(36)}`,
      REDIS_URL: redis.url,
    };
    const nodes = [];
    for (let i = 0; i < count; i++) {
      const id = `${name}-${String.fromCharCode(97 + i)}`;
      // A node on the Firestore emulator takes longer to come up than one on SQLite (more so under load).
      const node = await startServer(id, { ...shared, NODE_ID: id }, { startTimeoutMs: 120_000 });
      stops.push(async () => {
        await node.stop();
        fs.rmSync(node.dataDir, { recursive: true, force: true });
      });
      nodes.push({ ...node, id });
    }
    // `storeEnv`: the settings that open the nodes' shared store (support/directPeople.mjs).
    return { nodes, redis, stop, storeEnv: shared };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Prints what the nodes logged at error level or worse (a 500's cause is only in the server's log), each line
 * cut at 4,000 characters — enough for a failed transaction's stack with the frames of the code that awaited it.
 */
export function printServerErrors(nodes) {
  for (const n of nodes)
    for (const line of n.output().split('\n'))
      if (/"level":(50|60)/.test(line)) console.error(`${n.id}: ${line.slice(0, 4_000)}`);
}
