import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { describeStoreContract } from '../store.contract.js';
import { MIGRATIONS } from './migrations.js';
import { SqliteStore } from './sqliteStore.js';

describeStoreContract('sqlite', async () => {
  const store = new SqliteStore(':memory:');
  await store.migrate();
  return store;
});

describe('SQLite migrations', () => {
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-sqlite-'));

  it('apply once, then are a no-op on every later start', async () => {
    const dir = tmp();
    const first = SqliteStore.inDataDir(dir);
    const r1 = await first.migrate();
    expect(r1.applied).toEqual(MIGRATIONS.map((m) => m.version));
    await first.workspaces.create({
      id: 'w1',
      name: 'Kept',
      plan: 'team',
      timeZone: 'Asia/Tokyo',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    const schema = (s: SqliteStore) =>
      s.db.prepare('SELECT name, sql FROM sqlite_master ORDER BY name').all();
    const before = schema(first);
    expect((await first.migrate()).applied).toEqual([]);
    await first.close();

    const second = SqliteStore.inDataDir(dir);
    const r2 = await second.migrate();
    expect(r2).toEqual({ applied: [], current: Math.max(...MIGRATIONS.map((m) => m.version)) });
    expect(schema(second)).toEqual(before);
    expect((await second.workspaces.get('w1'))?.name).toBe('Kept');
    expect(second.db.pragma('journal_mode', { simple: true })).toBe('wal');
    await second.close();
    await second.close(); // idempotent
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('flushDeletions() truncates the WAL; a reader holding it makes it give up without blocking', async () => {
    const dir = tmp();
    const store = SqliteStore.inDataDir(dir);
    await store.migrate();
    expect(store.db.pragma('secure_delete', { simple: true })).toBe(1);
    const wal = path.join(dir, 'tsudoi.sqlite-wal');
    const add = (id: string) =>
      store.workspaces.create({
        id,
        name: id,
        plan: 'free',
        timeZone: 'UTC',
        createdAt: '2026-01-01T00:00:00Z',
      });
    await add('w1');
    expect(fs.statSync(wal).size).toBeGreaterThan(0);
    await store.flushDeletions();
    expect(fs.statSync(wal).size).toBe(0);

    // Another process reading an old snapshot: the WAL cannot be truncated under it.
    const reader = new Database(path.join(dir, 'tsudoi.sqlite'));
    reader.exec('BEGIN');
    reader.prepare('SELECT COUNT(*) FROM workspaces').get();
    await add('w2');
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    await expect(store.flushDeletions()).rejects.toThrow(/busy/);
    clearInterval(ticker);
    expect(ticks).toBeGreaterThan(10); // the event loop kept running between attempts
    expect(fs.statSync(wal).size).toBeGreaterThan(0);

    reader.exec('COMMIT');
    reader.close();
    await store.flushDeletions();
    expect(fs.statSync(wal).size).toBe(0);
    expect((await store.workspaces.get('w2'))?.name).toBe('w2');
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('two stores on one file migrate it exactly once', async () => {
    const dir = tmp();
    const a = SqliteStore.inDataDir(dir);
    const b = SqliteStore.inDataDir(dir);
    const [ra, rb] = await Promise.all([a.migrate(), b.migrate()]);
    expect([...ra.applied, ...rb.applied].sort((x, y) => x - y)).toEqual(MIGRATIONS.map((m) => m.version));
    const rows = a.db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number };
    expect(rows.n).toBe(MIGRATIONS.length);
    await a.close();
    await b.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
