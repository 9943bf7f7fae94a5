import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AccessLogEntry } from '@tsudoi/protocol';
import { parse } from 'csv-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRepo } from '../auth/accountStore.js';
import { SqliteStore } from '../storage/sqlite/sqliteStore.js';
import type { Workspace } from '../workspaces/workspaceRepo.js';
import { EMPTY_HEAD, nextLink } from './accessLogChain.js';
import { accessLogCsv } from './accessLogCsv.js';
import type { AccessLogEvent } from './accessLogRepo.js';
import { AccessLogService } from './accessLogService.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const N = 100_000;
const EVIL = "=cmd|' /C calc'!A0";
const users = [randomUUID(), randomUUID(), randomUUID()];
const base = Date.parse('2026-06-01T00:00:00.000Z');

/** Event i of the test log; the export lists them newest (i = N-1) first. */
const eventAt = (ws: string, i: number): AccessLogEvent => ({
  id: `e${String(i).padStart(7, '0')}`,
  workspaceId: ws,
  userId: i % 4 === 3 ? null : users[i % 3]!,
  type: i % 5 === 0 ? 'auth.signin_failed' : 'room.enter',
  at: new Date(base + i * 1000).toISOString(),
  ip: i % 2 ? '2001:db8::7' : '198.51.100.20',
  userAgent:
    i % 1000 === 0 ? EVIL : i % 7 === 0 ? 'Mozilla/5.0 ("quoted", with comma)\r\nnext' : 'Mozilla/5.0',
  detail: i % 3 === 0 ? { i, room: '+東京 room' } : {},
});

const expectedRow = (ws: string, i: number): string[] => {
  const e = eventAt(ws, i);
  const neutral = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
  return [
    e.at,
    e.type,
    e.type.endsWith('_failed') ? 'failure' : 'success',
    e.userId ?? '',
    e.userId ? `${e.userId.slice(0, 8)}@example.com` : '',
    e.ip!,
    neutral(e.userAgent!),
    Object.keys(e.detail).length ? JSON.stringify(e.detail) : '',
  ];
};

/** Page `p` of a synthetic export: 500 entries with a 200-character user agent. */
const page = (p: number): AccessLogEntry[] =>
  Array.from({ length: 500 }, (_, j) => ({
    id: `${p}-${j}`,
    at: '2026-11-01T00:00:00.000Z',
    type: 'room.enter',
    outcome: 'success' as const,
    userId: null,
    userEmail: null,
    ip: null,
    userAgent: 'x'.repeat(200),
    detail: {},
  }));

describe('access-log CSV export (R14)', () => {
  let store: SqliteStore;
  const ws: Workspace = {
    id: randomUUID(),
    name: 'Big',
    plan: 'enterprise',
    timeZone: 'Asia/Tokyo',
    createdAt: '2026-01-01T00:00:00.000Z',
  };
  const service = () =>
    new AccessLogService({
      accessLog: store.accessLog,
      users: {
        getById: async (id: string) => ({ email: `${id.slice(0, 8)}@example.com` }),
      } as unknown as Pick<UserRepo, 'getById'>,
      clock: () => new Date('2026-12-01T00:00:00.000Z'),
    });

  beforeAll(async () => {
    store = new SqliteStore(':memory:');
    await store.migrate();
    // 100,000 chained entries in one SQLite transaction (the repository's append, minus a transaction each).
    const insert = store.db.prepare(
      `INSERT INTO access_log (id, workspace_id, user_id, type, at, ip, user_agent, detail, seq, prev_hash, hash)
       VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
    );
    store.db.transaction(() => {
      let head = EMPTY_HEAD;
      for (let i = 0; i < N; i++) {
        const link = nextLink(head, eventAt(ws.id, i));
        const e = link.entry;
        insert.run(
          e.id,
          e.workspaceId,
          e.userId,
          e.type,
          e.at,
          e.ip,
          e.userAgent,
          JSON.stringify(e.detail),
          e.seq,
          e.prevHash,
          e.hash,
        );
        head = link.head;
      }
      store.db
        .prepare('INSERT INTO access_log_heads VALUES (?, ?, ?, ?, ?)')
        .run(ws.id, head.seq, head.hash, head.prunedSeq, head.prunedHash);
    })();
  }, 120_000);
  afterAll(() => store?.close());

  it('streams 100,000 entries with bounded memory; they parse back to the same rows, formulas neutralised', async () => {
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const rssBefore = process.memoryUsage().rss;
    let heapPeak = 0;
    let rssPeak = 0;
    const csv = accessLogCsv(service().export(ws, {}));
    let bytes = 0;
    csv.on('data', (chunk: Buffer) => {
      if (bytes === 0) expect([...chunk.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      bytes += chunk.length;
    });
    const parser = csv.pipe(parse({ bom: true, relax_quotes: false }));
    let k = -1;
    let neutralised = 0;
    const mismatches: number[] = [];
    for await (const record of parser as AsyncIterable<string[]>) {
      if (k === -1) {
        expect(record).toEqual([
          'time_utc',
          'type',
          'outcome',
          'user_id',
          'user_email',
          'ip',
          'user_agent',
          'detail',
        ]);
      } else {
        const want = expectedRow(ws.id, N - 1 - k);
        if (record.length !== want.length || record.some((v, c) => v !== want[c])) mismatches.push(k);
        if (record[6] === `'${EVIL}`) neutralised++;
      }
      k++;
      if (k % 10_000 === 0) {
        gc();
        const m = process.memoryUsage();
        heapPeak = Math.max(heapPeak, m.heapUsed - heapBefore);
        rssPeak = Math.max(rssPeak, m.rss - rssBefore);
      }
    }
    expect(k).toBe(N);
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(neutralised).toBe(N / 1000);
    // The whole log as entries is ~60 MB of heap and as text ~15 MB; streaming keeps one page (500) alive.
    console.log(
      `export of ${N}: ${(bytes / 1e6).toFixed(1)} MB CSV, retained heap growth ≤ ${(heapPeak / 1e6).toFixed(1)} MB, RSS growth ≤ ${(rssPeak / 1e6).toFixed(1)} MB`,
    );
    expect(bytes).toBeGreaterThan(10e6);
    expect(heapPeak).toBeLessThan(16e6);
    expect(rssPeak).toBeLessThan(100e6);
  }, 180_000);

  it('pulls pages only as fast as the reader reads (back-pressure)', async () => {
    let pulled = 0;
    async function* pages(): AsyncGenerator<AccessLogEntry[]> {
      for (let p = 0; p < 200; p++) {
        pulled++;
        yield page(p);
      }
    }
    const csv = accessLogCsv(pages());
    // Nobody reads: after many turns of the event loop the source has filled the buffers and stopped.
    for (let turn = 0; turn < 200; turn++) await new Promise((r) => setImmediate(r));
    expect(pulled).toBeGreaterThan(0);
    expect(pulled).toBeLessThan(10);
    let rows = 0;
    for await (const chunk of csv as AsyncIterable<Buffer>) rows += chunk.toString().split('\r\n').length - 1;
    expect(rows).toBe(200 * 500 + 1);
    expect(pulled).toBe(200);
  });

  it('stops reading pages when the download is closed mid-way, and reports how it ended', async () => {
    let pulled = 0;
    let sourceClosed = false;
    async function* pages(): AsyncGenerator<AccessLogEntry[]> {
      try {
        for (let p = 0; p < 1000; p++) {
          pulled++;
          yield page(p);
        }
      } finally {
        sourceClosed = true;
      }
    }
    const ended = new Promise<unknown>((resolve) => {
      const csv = accessLogCsv(pages(), resolve);
      csv.once('data', () => csv.destroy()); // the browser went away after the first bytes
    });
    expect(await ended).toBeInstanceOf(Error);
    expect(sourceClosed).toBe(true);
    expect(pulled).toBeLessThan(10);
  });

  it('refuses a Team workspace before the first byte', async () => {
    const it = service().export({ ...ws, plan: 'team' }, {});
    await expect(it.next()).rejects.toMatchObject({ code: 'PLAN_REQUIRED' });
  });
});
