import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../audit/auditLog.js';
import { AppError } from '../errors.js';
import { smtpMailer } from '../mail/mailer.js';
import { SqliteStore } from '../storage/sqlite/sqliteStore.js';
import { SmtpSink } from '../testing/smtpSink.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';
import { AuthService } from './authService.js';
import { type PasswordHasher, scryptHasher } from './passwordHash.js';
import { SessionService } from './sessionService.js';

const PASSWORD = 'correct horse battery';

describe('answers over HTTP do not reveal whether an account exists or is locked', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ AUTH_RATE_LIMIT_PER_IP: '1000' });
  });
  afterAll(() => t?.close());

  it('sign-in: unknown email, wrong password, locked and disabled accounts get one answer', async () => {
    await (await t.signedInUser('known@example.com')).post('/api/auth/signout');
    await (await t.signedInUser('locked@example.com')).post('/api/auth/signout');
    for (let i = 0; i < 5; i++)
      await t.client().post('/api/auth/signin', { email: 'locked@example.com', password: 'wrong password' });
    const owner = await t.signedInUser('owner@example.com');
    const ws = (await owner.post('/api/workspaces', { name: 'Privacy Co' })).body;
    const disabled = await t.joinedMember(owner, ws.id, 'disabled@example.com');
    const me = (await disabled.get('/api/session')).body.user.id;
    expect((await owner.patch(`/api/workspaces/${ws.id}/members/${me}`, { status: 'disabled' })).status).toBe(
      200,
    );

    const signin = (email: string, password: string) =>
      t.client().post('/api/auth/signin', { email, password });
    const answers = {
      unknownEmail: await signin('nobody@example.com', PASSWORD),
      wrongPassword: await signin('known@example.com', 'wrong password'),
      lockedRightPassword: await signin('locked@example.com', PASSWORD),
      lockedWrongPassword: await signin('locked@example.com', 'wrong password'),
      disabledRightPassword: await signin('disabled@example.com', PASSWORD),
    };
    expect(answers.unknownEmail).toMatchObject({ status: 401, body: { code: 'SIGNIN_FAILED' } });
    for (const a of Object.values(answers)) expect(a).toEqual(answers.unknownEmail);
    // The negative case: the right password of an unlocked, active account is let through.
    expect((await signin('known@example.com', PASSWORD)).body.next).toBe('otp');
  });

  it('sign-up: a new and an existing address get one answer, and each gets one mail', async () => {
    const body = (email: string) => ({ email, password: 'long enough pw', displayName: 'N', locale: 'en' });
    const before = t.mail.messages.length;
    const fresh = await t.client().post('/api/auth/signup', body('fresh@example.com'));
    const existing = await t.client().post('/api/auth/signup', body('known@example.com'));
    expect(fresh).toEqual({ status: 202, body: { status: 'check-your-email' } });
    expect(existing).toEqual(fresh);
    await t.app.auth.mail.settled();
    const to = (e: string) => t.mail.messages.slice(before).filter((m) => m.to.includes(e));
    expect(to('fresh@example.com').map((m) => m.subject)).toEqual(['Tsudoi: confirm your email address']);
    expect(to('known@example.com').map((m) => m.subject)).toEqual(['Tsudoi: you already have an account']);
  });
});

describe('every path does the same password-hashing work', () => {
  const counts = { hash: 0, verify: 0 };
  const hasher: PasswordHasher = {
    hash: (p) => {
      counts.hash++;
      return scryptHasher.hash(p);
    },
    verify: (p, s) => {
      counts.verify++;
      return scryptHasher.verify(p, s);
    },
  };
  let store: SqliteStore;
  let sink: SmtpSink;
  let auth: AuthService;
  let close: () => void;
  const origin = { ip: '127.0.0.1', userAgent: 'test' };

  beforeAll(async () => {
    store = new SqliteStore(':memory:');
    await store.migrate();
    sink = await SmtpSink.start();
    const mailer = smtpMailer(sink.url, 'Tsudoi <no-reply@tsudoi.invalid>');
    close = () => mailer.close();
    const clock = () => new Date();
    const { accounts } = store;
    const audit = new AuditLog({ accessLog: store.accessLog, memberships: accounts.memberships }, clock);
    const sessions = new SessionService(
      { sessions: accounts.sessions, users: accounts.users },
      audit,
      clock,
      {
        idleMs: 1_800_000,
        absoluteMs: 43_200_000,
      },
    );
    auth = new AuthService({
      repos: { ...accounts, workspaces: store.workspaces },
      tx: store,
      mailer,
      audit,
      sessions,
      clock,
      publicUrl: () => 'http://127.0.0.1:9',
      hasher,
      mailPerAddressPerHour: 100,
    });
    // Three accounts: active, locked, and disabled in its only workspace.
    for (const email of ['active@example.com', 'locked@example.com', 'disabled@example.com']) {
      await auth.signup({ email, password: PASSWORD, displayName: 'X', locale: 'en' }, origin);
      const u = (await store.accounts.users.getByEmail(email))!;
      await store.accounts.users.update(u.id, { emailVerifiedAt: new Date().toISOString() });
    }
    const locked = (await store.accounts.users.getByEmail('locked@example.com'))!;
    await store.accounts.users.update(locked.id, {
      lockedUntil: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const disabled = (await store.accounts.users.getByEmail('disabled@example.com'))!;
    const workspaceId = randomUUID();
    const now = new Date().toISOString();
    await store.workspaces.create({
      id: workspaceId,
      name: 'W',
      plan: 'free',
      timeZone: 'UTC',
      createdAt: now,
    });
    await store.accounts.memberships.add({
      workspaceId,
      userId: disabled.id,
      role: 'member',
      status: 'disabled',
      joinedAt: now,
    });
    await auth.mail.settled();
  });
  afterAll(async () => {
    close?.();
    await sink?.close();
    await store?.close();
  });

  /** The hashing work and the answer of one call. */
  async function work(fn: () => Promise<unknown>) {
    const before = { ...counts };
    let answer: unknown = 'ok';
    try {
      await fn();
    } catch (err) {
      answer = err instanceof AppError ? err.toBody() : err;
    }
    return { hash: counts.hash - before.hash, verify: counts.verify - before.verify, answer };
  }

  it('sign-in: one password check on every failing path, one answer', async () => {
    const signin = (email: string, password: string) => () => auth.signin(email, password, origin);
    const paths = {
      unknownEmail: await work(signin('nobody@example.com', PASSWORD)),
      wrongPassword: await work(signin('active@example.com', 'wrong password')),
      locked: await work(signin('locked@example.com', PASSWORD)),
      disabled: await work(signin('disabled@example.com', PASSWORD)),
    };
    expect(paths.unknownEmail).toEqual({
      hash: 0,
      verify: 1,
      answer: expect.objectContaining({ code: 'SIGNIN_FAILED' }),
    });
    for (const p of Object.values(paths)) expect(p).toEqual(paths.unknownEmail);
  });

  it('sign-up: one password hash for a new and for an existing address, one queued mail each', async () => {
    const since = sink.messages.length;
    const signup = (email: string) => () =>
      auth.signup({ email, password: 'another long pw', displayName: 'Y', locale: 'en' }, origin);
    const fresh = await work(signup('brand-new@example.com'));
    const existing = await work(signup('active@example.com'));
    const locked = await work(signup('locked@example.com'));
    expect(fresh).toEqual({ hash: 1, verify: 0, answer: 'ok' });
    expect(existing).toEqual(fresh);
    expect(locked).toEqual(fresh);
    await auth.mail.settled();
    expect(
      sink.messages
        .slice(since)
        .map((m) => m.to)
        .sort(),
    ).toEqual(['active@example.com', 'brand-new@example.com', 'locked@example.com']);
  });

  it('forgotten password: no hashing and the same answer for known, unknown and locked addresses', async () => {
    const forgot = (email: string) => () => auth.passwordReset.request(email, origin);
    const known = await work(forgot('active@example.com'));
    expect(known).toEqual({ hash: 0, verify: 0, answer: 'ok' });
    expect(await work(forgot('nobody@example.com'))).toEqual(known);
    expect(await work(forgot('locked@example.com'))).toEqual(known);
  });
});
