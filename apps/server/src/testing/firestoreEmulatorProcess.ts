import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

/**
 * Starts and stops the Firestore emulator that ships with the Google Cloud SDK on these machines. Kept
 * free of vitest imports: the vitest globalSetup (main process) and benchmarks use it.
 */

/** Where the Google Cloud SDK puts the emulator; `FIRESTORE_EMULATOR_BIN` overrides it. */
export const DEFAULT_EMULATOR_BIN =
  '/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud_firestore_emulator';

export function emulatorBinary(): string {
  return process.env.FIRESTORE_EMULATOR_BIN || DEFAULT_EMULATOR_BIN;
}

export function emulatorPresent(bin = emulatorBinary()): boolean {
  try {
    fs.accessSync(bin, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface RunningEmulator {
  /** `127.0.0.1:PORT`, the value for FIRESTORE_EMULATOR_HOST. */
  readonly host: string;
  /** The process group the wrapper script and its JVM run in. */
  readonly pgid: number;
  /** Kills the emulator's whole process group (the wrapper script and its JVM); idempotent. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 90_000;
const LOG_TAIL = 8_000;

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

/** True once the emulator answers HTTP on its port (its root answers "Ok"). */
async function answers(host: string): Promise<boolean> {
  try {
    const res = await fetch(`http://${host}/`, { signal: AbortSignal.timeout(1_000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** True while any process of the group is alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

async function startOnce(bin: string): Promise<RunningEmulator> {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-LOG_TAIL);
  };
  // Its own process group, so stopping it takes the JVM the wrapper script starts along.
  const child: ChildProcess = spawn(bin, ['start', '--host', '127.0.0.1', '--port', String(port)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, METADATA_SERVER_DETECTION: 'none' },
  });
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', (err) => {
      keep(Buffer.from(String(err)));
      exited = true;
      resolve();
    });
  });
  const pgid = child.pid;
  // A vitest run killed abruptly still takes the emulator down with it.
  const onExit = () => pgid && killGroup(pgid, 'SIGKILL');
  process.once('exit', onExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', onExit);
    if (!pgid) return;
    killGroup(pgid, 'SIGTERM');
    const deadline = Date.now() + 5_000;
    while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    killGroup(pgid, 'SIGKILL');
    await Promise.race([exit, new Promise((r) => setTimeout(r, 1_000))]);
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    if (pgid && (await answers(host))) return { host, pgid, stop };
    if (exited || Date.now() > deadline) {
      await stop();
      const why = exited ? `exited with code ${child.exitCode}` : `not ready after ${READY_TIMEOUT_MS} ms`;
      throw Object.assign(new Error(`Firestore emulator on ${host} ${why}; its last output:\n${tail}`), {
        retryable: exited,
      });
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}

/**
 * Starts the emulator on a free loopback port and resolves once it answers. A port taken between the probe
 * and the bind makes the emulator exit: it then retries on another port.
 */
export async function startFirestoreEmulator(bin = emulatorBinary()): Promise<RunningEmulator> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(bin);
    } catch (err) {
      lastError = err;
      if (!(err as { retryable?: boolean }).retryable) break;
    }
  }
  throw lastError;
}
