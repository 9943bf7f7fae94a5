import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built server (`npm test` builds before it runs the tests). */
export const SERVER_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** A Tsudoi server process started by a test; `kill()` ends only this process. */
export interface ServerProcess {
  url: string;
  pid: number;
  /** Everything it printed (for failure messages). */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const started = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of started) child.kill('SIGKILL');
});

/**
 * Starts `dist/main.js` on `port` (127.0.0.1) with test defaults plus `env`, resolving once it logs that
 * it listens. Its DATA_DIR is a fresh temporary directory, removed when the process ends.
 */
export async function startServerProcess(port: number, env: Record<string, string>): Promise<ServerProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-node-'));
  const child = spawn(process.execPath, [SERVER_MAIN], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      MEDIA_WORKERS: '1',
      RTC_LISTEN_IP: '127.0.0.1',
      LOG_LEVEL: 'info',
      DEV_MAIL_INBOX: '1',
      HANDSHAKES_PER_IP_PER_MINUTE: '600',
      ANON_SOCKETS_PER_IP_MAX: '50',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      started.delete(child);
      fs.rmSync(dataDir, { recursive: true, force: true });
      resolve();
    }),
  );
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 90 s:\n${out}`)), 90_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Tsudoi is listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    output: () => out,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
