import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../storage/sqlite/sqliteStore.js';
import { accessLogVerifyCli } from './accessLogVerify.js';

async function cli(args: string[], dataDir: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await accessLogVerifyCli(
    args,
    { DATA_DIR: dataDir },
    { log: (s) => out.push(s), error: (s) => err.push(s) },
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('the operator’s access-log check (cli/accessLogVerify)', () => {
  it('says the chain is whole (exit 0), then names the edited entry (exit 3)', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-verify-'));
    const ws = randomUUID();
    const store = SqliteStore.inDataDir(dataDir);
    await store.migrate();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const id = randomUUID();
      ids.push(id);
      await store.accessLog.append({
        id,
        workspaceId: ws,
        userId: null,
        type: 'auth.signin',
        at: `2026-11-0${i + 1}T00:00:00.000Z`,
        ip: null,
        userAgent: null,
        detail: {},
      });
    }
    expect(await cli([ws], dataDir)).toMatchObject({ code: 0 });
    expect(JSON.parse((await cli([ws], dataDir)).out)).toEqual({
      workspaceId: ws,
      ok: true,
      entries: 4,
      headSeq: 4,
    });
    store.db.prepare("UPDATE access_log SET at = '2026-11-09T00:00:00.000Z' WHERE id = ?").run(ids[1]);
    const broken = await cli([ws], dataDir);
    expect(broken.code).toBe(3);
    expect(JSON.parse(broken.out)).toMatchObject({
      ok: false,
      break: { id: ids[1], seq: 2, reason: 'hashMismatch' },
    });
    await store.close();
    expect((await cli(['not-an-id'], dataDir)).code).toBe(2);
    expect((await cli([], dataDir)).err).toMatch(/usage/);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
