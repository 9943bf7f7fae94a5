import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyWorkspaceChain } from '../../audit/accessLogChain.js';
import { describeAccessLogChainContract } from '../contracts/accessLogChain.contract.js';
import { runMigrations } from './migrate.js';
import { MIGRATIONS } from './migrations.js';
import { SqliteStore } from './sqliteStore.js';

describeAccessLogChainContract('sqlite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-chain-'));
  const store = SqliteStore.inDataDir(dir);
  await store.migrate();
  return {
    store,
    second: async () => SqliteStore.inDataDir(dir),
    async edit(_ws, id, patch) {
      if (patch.type) store.db.prepare('UPDATE access_log SET type = ? WHERE id = ?').run(patch.type, id);
      if (patch.userId)
        store.db.prepare('UPDATE access_log SET user_id = ? WHERE id = ?').run(patch.userId, id);
    },
    async remove(_ws, id) {
      store.db.prepare('DELETE FROM access_log WHERE id = ?').run(id);
    },
    async close() {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('migration 007 on a log written before it', () => {
  it('chains the existing entries per workspace in time order; the result verifies', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-chain-upgrade-'));
    const store = SqliteStore.inDataDir(dir);
    try {
      runMigrations(
        store.db,
        MIGRATIONS.filter((m) => m.version < 7),
      );
      const insert = store.db.prepare(
        'INSERT INTO access_log (id, workspace_id, user_id, type, at, ip, user_agent, detail) VALUES (?,?,?,?,?,?,?,?)',
      );
      const ws = randomUUID();
      // Inserted out of time order, plus one entry of no workspace.
      for (const [id, at] of [
        ['b', '2026-01-02T00:00:00.000Z'],
        ['a', '2026-01-01T00:00:00.000Z'],
        ['c', '2026-01-03T00:00:00.000Z'],
      ] as const) {
        insert.run(id, ws, null, 'auth.signin', at, null, null, '{"k":1}');
      }
      insert.run('z', null, null, 'auth.signin_failed', '2026-01-01T00:00:00.000Z', '192.0.2.1', null, '{}');
      expect((await store.migrate()).applied).toEqual(
        MIGRATIONS.filter((m) => m.version >= 7).map((m) => m.version),
      );
      const chain = await store.accessLog.chain(ws, { afterSeq: 0, limit: 10 });
      expect(chain.map((e) => [e.id, e.seq])).toEqual([
        ['a', 1],
        ['b', 2],
        ['c', 3],
      ]);
      expect(await verifyWorkspaceChain(store.accessLog, ws)).toEqual({ ok: true, entries: 3, headSeq: 3 });
      expect(await verifyWorkspaceChain(store.accessLog, null)).toEqual({ ok: true, entries: 1, headSeq: 1 });
      // New appends continue after the migrated entries.
      await store.accessLog.append({ ...chain[0]!, id: 'd', at: '2026-01-04T00:00:00.000Z' });
      expect(await verifyWorkspaceChain(store.accessLog, ws)).toEqual({ ok: true, entries: 4, headSeq: 4 });
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
