import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../storage/sqlite/sqliteStore.js';
import { accessLogPages } from './accessLogExport.js';
import type { AccessLogEvent } from './accessLogRepo.js';

describe('access-log export pages', () => {
  let store: SqliteStore;
  beforeEach(async () => {
    store = new SqliteStore(':memory:');
    await store.migrate();
  });
  afterEach(async () => {
    await store.close();
  });

  const event = (workspaceId: string, at: string, type = 'room.enter'): AccessLogEvent => ({
    id: randomUUID(),
    workspaceId,
    userId: 'u1',
    type,
    at,
    ip: null,
    userAgent: null,
    detail: {},
  });

  it('reads every event once, newest first, one bounded page at a time', async () => {
    const ws = randomUUID();
    const base = Date.parse('2026-03-01T00:00:00.000Z');
    const events = Array.from({ length: 1050 }, (_, i) =>
      event(ws, new Date(base + (i >> 1) * 1000).toISOString()),
    );
    for (const e of events) await store.accessLog.append(e);
    await store.accessLog.append(event(randomUUID(), new Date(base).toISOString())); // another workspace

    const sizes: number[] = [];
    const ids: string[] = [];
    for await (const page of accessLogPages(store.accessLog, { workspaceId: ws }, 100)) {
      sizes.push(page.length);
      ids.push(...page.map((e) => e.id));
    }
    expect(sizes).toEqual([...Array(10).fill(100), 50]);
    expect(new Set(ids).size).toBe(1050);
    const ats = ids.map((id) => events.find((e) => e.id === id)!.at);
    expect([...ats].sort().reverse()).toEqual(ats);
  });

  it('neither repeats nor skips rows when events arrive during the export', async () => {
    const ws = randomUUID();
    const old = Array.from({ length: 30 }, (_, i) =>
      event(ws, `2026-03-01T00:00:${String(i).padStart(2, '0')}.000Z`),
    );
    for (const e of old) await store.accessLog.append(e);
    const ids: string[] = [];
    for await (const page of accessLogPages(store.accessLog, { workspaceId: ws }, 10)) {
      ids.push(...page.map((e) => e.id));
      // A newer event lands between two pages: with offset paging every later page would shift by one.
      await store.accessLog.append(event(ws, '2026-03-02T00:00:00.000Z'));
    }
    expect(ids).toEqual([...old].reverse().map((e) => e.id));
  });

  it('keeps the filters on every page and ends on an exact multiple of the page size', async () => {
    const ws = randomUUID();
    for (let i = 0; i < 20; i++) {
      await store.accessLog.append(
        event(ws, `2026-03-01T00:00:${String(i).padStart(2, '0')}.000Z`, i % 2 ? 'a' : 'b'),
      );
    }
    const pages: number[] = [];
    for await (const page of accessLogPages(store.accessLog, { workspaceId: ws, type: 'a' }, 5)) {
      expect(page.every((e) => e.type === 'a')).toBe(true);
      pages.push(page.length);
    }
    expect(pages).toEqual([5, 5]);
    await expect(accessLogPages(store.accessLog, { workspaceId: ws }, 0).next()).rejects.toThrow(TypeError);
  });
});
