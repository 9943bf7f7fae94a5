// The Firestore emulator for benchmarks (the tests' copy in apps/server/src/testing is TypeScript and not
// built): started on a free loopback port in its own process group, ready once it answers HTTP.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

const BIN =
  process.env.FIRESTORE_EMULATOR_BIN ||
  '/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud_firestore_emulator';

const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

const answers = async (host) => {
  try {
    const res = await fetch(`http://${host}/`, { signal: AbortSignal.timeout(1_000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
};

/** Resolves to `{ host, stop }`; throws with the emulator's last output if it does not come up. */
export async function startFirestoreEmulator() {
  try {
    fs.accessSync(BIN, fs.constants.X_OK);
  } catch {
    throw new Error(
      `no Firestore emulator at ${BIN} (set FIRESTORE_EMULATOR_BIN or FIRESTORE_EMULATOR_HOST)`,
    );
  }
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  let tail = '';
  const child = spawn(BIN, ['start', '--host', '127.0.0.1', '--port', String(port)], {
    detached: true, // its own group: stopping it takes the JVM the wrapper script starts along
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, METADATA_SERVER_DETECTION: 'none' },
  });
  const keep = (chunk) => {
    tail = (tail + chunk).slice(-4_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const kill = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const onExit = () => kill('SIGKILL');
  process.once('exit', onExit);
  const stop = async () => {
    process.removeListener('exit', onExit);
    kill('SIGTERM');
    for (let i = 0; i < 50 && !exited; i++) await new Promise((r) => setTimeout(r, 100));
    kill('SIGKILL');
  };
  const deadline = Date.now() + 90_000;
  while (!(await answers(host))) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`Firestore emulator on ${host} did not come up; its last output:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { host, stop };
}
