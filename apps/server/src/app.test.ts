import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROTOCOL_VERSION } from '@tsudoi/protocol';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TsudoiApp } from './app.js';
import { loadConfig } from './config.js';

describe('server start-up and shutdown', () => {
  let app: TsudoiApp;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-app-'));
    app = await startApp(
      loadConfig({
        PORT: '0',
        DATA_DIR: dataDir,
        MEDIA_WORKERS: '1',
        DEV_MAIL_INBOX: '1',
        LOG_LEVEL: 'silent',
      }),
    );
  });
  afterAll(async () => {
    await app?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers /healthz with JSON', async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', store: 'sqlite', mediaWorkers: 1 });
  });

  it('keeps its store in one SQLite file under DATA_DIR', () => {
    expect(fs.existsSync(path.join(dataDir, 'tsudoi.sqlite'))).toBe(true);
  });

  it('greets a current client and refuses an outdated one with PROTOCOL_OUTDATED', async () => {
    const ok = connect(app.url, { auth: { protocolVersion: PROTOCOL_VERSION }, transports: ['websocket'] });
    const hello = await new Promise<{ protocolVersion: number }>((resolve) =>
      ok.once('server:hello', resolve),
    );
    expect(hello.protocolVersion).toBe(PROTOCOL_VERSION);
    const pong = await ok.emitWithAck('ping', {});
    expect(pong.ok).toBe(true);
    const bad = await ok.emitWithAck('ping', { unexpected: 1 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    ok.close();

    const old = connect(app.url, {
      auth: { protocolVersion: PROTOCOL_VERSION - 1 },
      transports: ['websocket'],
    });
    const err = await new Promise<Error & { data?: { code: string } }>((resolve) =>
      old.once('connect_error', resolve),
    );
    expect(err.data?.code).toBe('PROTOCOL_OUTDATED');
    old.close();
  });

  it('delivers mail through the development inbox', async () => {
    await app.mailer.send({ to: 'aiko@example.com', subject: 'こんにちは', text: 'code 123456' });
    await expect.poll(() => app.inbox?.messages[0]?.subject).toBe('こんにちは');
    const page = await (await fetch(`${app.url}/dev/inbox`)).text();
    expect(page).toContain('code 123456');
  });
});

describe('the server process', () => {
  const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

  it('stops at start-up with a clear message naming a bad PORT', () => {
    const r = spawnSync(process.execPath, [main], {
      env: { ...process.env, PORT: 'http' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Invalid configuration');
    expect(r.stderr).toMatch(/PORT: must be an integer port 0–65535 \(got "http"\)/);
  });
});
