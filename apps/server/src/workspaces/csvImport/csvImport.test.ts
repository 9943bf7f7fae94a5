import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../storage/store.js';
import type { ApiClient } from '../../testing/apiClient.js';
import { INJECTED } from '../../testing/failingTx.js';
import { setPlan } from '../../testing/plans.js';
import { upload } from '../../testing/rawUpload.js';
import { startTestApp, type TestApp } from '../../testing/testApp.js';

// R15: an Enterprise admin imports people from a CSV — a preview that writes nothing, then one
// all-or-nothing apply whose invitations are mailed after the commit; every other plan is refused.

/**
 * Makes the store's next transaction fail in the middle of an import: the invitations are written inside
 * the unit, then the next step throws as a storage error would. Later transactions are untouched.
 */
function failAfterInvitationsWritten(store: Store): void {
  const original = store.transaction;
  store.transaction = function once<T>(
    this: Store,
    fn: (tx: Parameters<Parameters<Store['transaction']>[0]>[0]) => Promise<T>,
  ) {
    store.transaction = original;
    return original.call(store, (tx) => {
      const real = tx.accounts.invitations;
      const invitations = new Proxy(real, {
        get(target, prop) {
          if (prop === 'createAllNew')
            return async (...args: Parameters<typeof real.createAllNew>) => {
              await target.createAllNew(...args);
              throw new Error(INJECTED);
            };
          const v = Reflect.get(target, prop, target);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
      const accounts = new Proxy(tx.accounts, {
        get: (t, p) => (p === 'invitations' ? invitations : Reflect.get(t, p, t)),
      });
      return fn(new Proxy(tx, { get: (t, p) => (p === 'accounts' ? accounts : Reflect.get(t, p, t)) }));
    }) as Promise<T>;
  } as Store['transaction'];
}

describe('CSV user import (R15)', () => {
  let t: TestApp;
  let admin: ApiClient;
  let member: ApiClient;
  let wsId: string;
  let teamWs: string;
  let freeWs: string;
  const preview = (c: ApiClient, ws: string, csv: Uint8Array | string, type?: string) =>
    upload(c, `/api/workspaces/${ws}/imports/preview`, csv, type);
  const apply = (c: ApiClient, ws: string, csv: Uint8Array | string, type?: string) =>
    upload(c, `/api/workspaces/${ws}/imports`, csv, type);
  const invited = async (ws: string) =>
    ((await admin.get(`/api/workspaces/${ws}/invitations`)).body.invitations as Array<{ email: string }>).map(
      (i) => i.email,
    );

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.signedInUser('imp-admin@example.com');
    wsId = (await admin.post('/api/workspaces', { name: 'Import Co' })).body.id;
    member = await t.joinedMember(admin, wsId, 'imp-member@example.com');
    await setPlan(t, wsId, 'enterprise');
    teamWs = (await admin.post('/api/workspaces', { name: 'Team Co' })).body.id;
    await setPlan(t, teamWs, 'team');
    freeWs = (await admin.post('/api/workspaces', { name: 'Free Co' })).body.id;
  });
  afterAll(() => t?.close());

  const good = 'email,display name,role\nok1@example.com,OK 1,member\n';

  it('refuses a Team or Free workspace on every endpoint with PLAN_REQUIRED, writing nothing', async () => {
    for (const ws of [teamWs, freeWs]) {
      expect(await preview(admin, ws, good)).toMatchObject({ status: 403, body: { code: 'PLAN_REQUIRED' } });
      expect(await apply(admin, ws, good)).toMatchObject({ status: 403, body: { code: 'PLAN_REQUIRED' } });
      expect(await invited(ws)).toEqual([]);
    }
  });

  it("answers 404 for another workspace's id and FORBIDDEN for a member who is not an admin", async () => {
    const stranger = await t.signedInUser('imp-stranger@example.com');
    const theirs = (await stranger.post('/api/workspaces', { name: 'Elsewhere' })).body.id;
    await setPlan(t, theirs, 'enterprise');
    expect(await preview(admin, theirs, good)).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(await apply(admin, theirs, good)).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(await apply(member, wsId, good)).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect(await apply(t.client(), wsId, good)).toMatchObject({ status: 401 });
    expect(await invited(wsId)).not.toContain('ok1@example.com');
  });

  it('refuses what is not CSV and files over 1 MB, as a whole', async () => {
    const json = await apply(admin, wsId, JSON.stringify({ email: 'x@example.com' }), 'application/json');
    expect(json).toMatchObject({ status: 400, body: { code: 'CSV_INVALID', fields: { file: 'notCsv' } } });
    const xlsx = await apply(admin, wsId, new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
    expect(xlsx).toMatchObject({ status: 400, body: { code: 'CSV_INVALID', fields: { file: 'notCsv' } } });
    const noHeader = await preview(admin, wsId, 'a@example.com,A,member\n');
    expect(noHeader).toMatchObject({ status: 400, body: { fields: { file: 'missingColumns' } } });
    const big = `email,display name,role\n${'x'.repeat(1_048_577)}`;
    expect(await apply(admin, wsId, big)).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('with one bad row applies nothing and reports that row; the fixed file then imports', async () => {
    const csv =
      'email,display name,role,department\n' +
      'good1@example.com,Good One,member,Sales\n' +
      'imp-member@example.com,Already,member,\n' +
      'good2@example.com,Good Two,chief,\n';
    const p = await preview(admin, wsId, csv);
    expect(p.status).toBe(200);
    expect(p.body.rows.map((r: { row: number; problems: string[] }) => [r.row, r.problems])).toEqual([
      [2, []],
      [3, ['alreadyMember']],
      [4, ['unknownRole']],
    ]);
    const before = await invited(wsId);
    const a = await apply(admin, wsId, csv);
    expect(a).toMatchObject({ status: 200, body: { applied: false, invited: 0, valid: 1, invalid: 2 } });
    expect(a.body.report).toContain('unknownRole');
    expect(await invited(wsId)).toEqual(before);

    const since = t.mail.messages.length;
    const fixed = 'email,display name,role\ngood2@example.com,Good Two,admin\n';
    expect(await apply(admin, wsId, fixed)).toMatchObject({
      status: 200,
      body: { applied: true, invited: 1 },
    });
    await t.mail.waitFor('good2@example.com', /invite\//, since);
    // Mails go out in order: the rows of the refused import got none.
    expect(t.mail.messages.slice(since).map((m) => m.to)).toEqual(['good2@example.com']);
    expect(await invited(wsId)).not.toContain('good1@example.com');
    // A second import of the same address is now "already invited".
    const again = await preview(admin, wsId, fixed);
    expect(again.body.rows[0].problems).toEqual(['alreadyInvited']);
  });

  it('imports a Shift_JIS file as Japanese Excel saves it; the invitees get their mails and join with the role', async () => {
    const sjis = iconv.encode(
      'メールアドレス,表示名,役割,部署\r\nyamada@example.com,山田 太郎,管理者,営業部\r\nsuzuki@example.com,鈴木 花子,メンバー,開発部\r\n',
      'Shift_JIS',
    );
    const since = t.mail.messages.length;
    const a = await apply(admin, wsId, sjis);
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ applied: true, invited: 2, encoding: 'shift_jis' });
    expect(a.body.rows.map((r: { displayName: string; role: string }) => [r.displayName, r.role])).toEqual([
      ['山田 太郎', 'admin'],
      ['鈴木 花子', 'member'],
    ]);
    const mail = await t.mail.waitFor('yamada@example.com', /invite\//, since);
    await t.mail.waitFor('suzuki@example.com', /invite\//, since);
    expect(mail.text).not.toMatch(/password|パスワード/i); // R9: nobody is handed a password
    const token = mail.text.match(/invite\/(\S+)/)![1]!;
    const yamada = await t.signedInUser('yamada@example.com');
    expect(await yamada.post(`/api/invitations/${token}/accept`)).toMatchObject({
      status: 200,
      body: { id: wsId, role: 'admin' },
    });
    const log = await t.app.store.accessLog.list({ workspaceId: wsId, limit: 50 });
    expect(log.filter((e) => e.type === 'admin.users_imported').map((e) => e.detail)).toContainEqual(
      expect.objectContaining({ rows: 2, invited: 2, applied: true }),
    );
  });
  it('leaves nothing when the store fails in the middle of the apply, and mails nobody', async () => {
    const csv =
      'email,display name,role\nmid1@example.com,Mid 1,member\nmid2@example.com,Mid 2,member\nmid3@example.com,Mid 3,member\n';
    const since = t.mail.messages.length;
    failAfterInvitationsWritten(t.app.store);
    expect(await apply(admin, wsId, csv)).toMatchObject({ status: 500, body: { code: 'INTERNAL' } });
    expect((await invited(wsId)).filter((e) => e.startsWith('mid'))).toEqual([]);
    // The same file applies in full once the store works; its mails are the first after the failure.
    expect(await apply(admin, wsId, csv)).toMatchObject({ status: 200, body: { applied: true, invited: 3 } });
    await t.mail.waitFor('mid3@example.com', /invite\//, since);
    expect(
      t.mail.messages
        .slice(since)
        .map((m) => m.to)
        .sort(),
    ).toEqual(['mid1@example.com', 'mid2@example.com', 'mid3@example.com']);
  });
  it('bounds applies per admin: the eleventh in an hour is RATE_LIMITED, and an hour later it goes again', async () => {
    const busy = await t.signedInUser('imp-busy@example.com');
    const ws = (await busy.post('/api/workspaces', { name: 'Busy Co' })).body.id;
    await setPlan(t, ws, 'enterprise');
    const invalid = 'email,display name,role\nnot-an-email,X,member\n';
    for (let i = 0; i < 10; i++)
      expect(await apply(busy, ws, invalid)).toMatchObject({ status: 200, body: { applied: false } });
    const refused = await apply(busy, ws, invalid);
    expect(refused).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
    expect(refused.body.retryAfter).toBeGreaterThan(0);
    // Another admin is not held back by this one.
    expect(await preview(admin, wsId, invalid)).toMatchObject({ status: 200 });
    t.advance(3_600_000);
    const later = await t.signedInAgain('imp-busy@example.com'); // the idle session ended meanwhile
    expect(await apply(later, ws, invalid)).toMatchObject({ status: 200, body: { applied: false } });
  });
});
