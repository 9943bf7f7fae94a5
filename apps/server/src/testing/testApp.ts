import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type StartOptions, startApp, type TsudoiApp } from '../app.js';
import { loadConfig } from '../config.js';
import { ApiClient } from './apiClient.js';
import { firestoreEmulatorHost, testProjectId } from './firestoreEmulator.js';
import { SmtpSink } from './smtpSink.js';

/** A real server (store, mail over SMTP, media workers) on a free loopback port, with a movable clock. */
export interface TestApp {
  app: TsudoiApp;
  mail: SmtpSink;
  /** Moves the server's clock forward. */
  advance(ms: number): void;
  /** The variables that locate this app's store (DATA_DIR, engine): a second instance over the same data. */
  storeEnv: Readonly<Record<string, string>>;
  client(): ApiClient;
  /** Signs a new user up, verifies the email and signs in with the emailed code. */
  signedInUser(email: string, password?: string, displayName?: string): Promise<ApiClient>;
  /** Signs an existing, verified user in again (password + emailed code) in a fresh client. */
  signedInAgain(email: string, password?: string): Promise<ApiClient>;
  /** Invites `email` from `admin`'s workspace; the new user signs up, signs in and accepts. */
  joinedMember(
    admin: ApiClient,
    workspaceId: string,
    email: string,
    role?: 'admin' | 'member',
  ): Promise<ApiClient>;
  close(): Promise<void>;
}

/**
 * The store engine of test apps: the embedded default, or with `TEST_STORE=firestore` the run's Firestore
 * emulator, a fresh `demo-t-*` project per app (npm test runs the integration suites both ways).
 */
function storeEnv(): Record<string, string> {
  if (process.env.TEST_STORE !== 'firestore') return {};
  const host = firestoreEmulatorHost();
  if (!host)
    throw new Error('TEST_STORE=firestore but no Firestore emulator runs (see the globalSetup warning)');
  return { STORE: 'firestore', FIRESTORE_EMULATOR_HOST: host, FIRESTORE_PROJECT_ID: testProjectId() };
}

/** `env` overrides the test defaults; `options.logStream` captures the operator log (set LOG_LEVEL too). */
export async function startTestApp(
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-test-'));
  const mail = await SmtpSink.start();
  let offset = 0;
  const located = {
    DATA_DIR: dataDir,
    ...storeEnv(),
    ...pick(env, ['DATA_DIR', 'STORE', 'FIRESTORE_EMULATOR_HOST', 'FIRESTORE_PROJECT_ID']),
  };
  const app = await startApp(
    loadConfig({
      PORT: '0',
      SMTP_URL: mail.url,
      MEDIA_WORKERS: '1',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      ...env,
      ...located,
    }),
    () => new Date(Date.now() + offset),
    options,
  );
  const t: TestApp = {
    app,
    mail,
    storeEnv: located,
    advance: (ms) => {
      offset += ms;
    },
    client: () => new ApiClient(app.url),
    async signedInUser(email, password = 'correct horse battery', displayName = email.split('@')[0]!) {
      const c = t.client();
      const since = mail.messages.length;
      const r = await c.post('/api/auth/signup', { email, password, displayName, locale: 'en' });
      if (r.status !== 202) throw new Error(`signup failed: ${JSON.stringify(r.body)}`);
      const verify = await mail.waitFor(email, /verify\?token=/, since);
      const token = decodeURIComponent(verify.text.match(/verify\?token=([^\s]+)/)![1]!);
      await c.post('/api/auth/verify-email', { token });
      return t.signedInAgain(email, password);
    },
    async signedInAgain(email, password = 'correct horse battery') {
      const c = t.client();
      const before = mail.messages.length;
      const s = await c.post('/api/auth/signin', { email, password });
      if (s.body?.next !== 'otp') throw new Error(`signin failed: ${JSON.stringify(s.body)}`);
      const v = await c.post('/api/auth/otp/verify', { code: await mail.otpFor(email, before) });
      if (v.status !== 200) throw new Error(`otp failed: ${JSON.stringify(v.body)}`);
      return c;
    },
    async joinedMember(admin, workspaceId, email, role = 'member') {
      const since = mail.messages.length;
      const inv = await admin.post(`/api/workspaces/${workspaceId}/invitations`, { email, role });
      if (inv.status !== 201) throw new Error(`invite failed: ${JSON.stringify(inv.body)}`);
      const token = (await mail.waitFor(email, /invite\//, since)).text.match(/invite\/(\S+)/)![1]!;
      const user = await t.signedInUser(email);
      const joined = await user.post(`/api/invitations/${token}/accept`);
      if (joined.status !== 200) throw new Error(`accept failed: ${JSON.stringify(joined.body)}`);
      return user;
    },
    async close() {
      await app.close();
      await mail.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

function pick(env: Record<string, string>, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => env[k] !== undefined).map((k) => [k, env[k]!]));
}
