import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../storage/sqlite/sqliteStore.js';
import { verifyWorkspaceChain } from './accessLogChain.js';
import { AccessLogRetention } from './accessLogRetention.js';

const DAY = 24 * 3600_000;
const quiet = { info() {}, warn() {}, error() {} };

describe('access-log retention (R14: 2 years), daily and once across instances', () => {
  let store: SqliteStore;
  let offset = 0;
  const start = Date.parse('2026-12-01T03:00:00.000Z'); // 12:00 in Tokyo: today's 01:00 has passed
  const now = () => new Date(start + offset);
  const job = () =>
    new AccessLogRetention({
      repos: { accessLog: store.accessLog, leases: store.leases, meta: store.meta },
      log: quiet,
      now,
      timeZone: 'Asia/Tokyo',
      batch: 2,
    });
  const jobs: AccessLogRetention[] = [];
  beforeEach(async () => {
    store = new SqliteStore(':memory:');
    await store.migrate();
    offset = 0;
  });
  afterEach(async () => {
    for (const j of jobs.splice(0)) await j.stop();
    await store.close();
  });

  it('removes entries older than 2 years in one run of two racing instances; the chain stays verifiable', async () => {
    const ws = randomUUID();
    const ages = [3 * 365, 731, 729, 700, 10, 0]; // days
    const ids: string[] = [];
    for (const days of ages) {
      const id = randomUUID();
      ids.push(id);
      await store.accessLog.append({
        id,
        workspaceId: ws,
        userId: null,
        type: 'auth.signin',
        at: new Date(start - days * DAY).toISOString(),
        ip: null,
        userAgent: null,
        detail: { days },
      });
    }
    const [a, b] = [job(), job()];
    jobs.push(a, b);
    const statuses = await Promise.all([a.runDue(), b.runDue()]);
    expect(statuses.filter((s) => s === 'ran')).toHaveLength(1);
    const left = await store.accessLog.chain(ws, { afterSeq: 0, limit: 10 });
    // 2 years back from 2026-12-01 is 2024-12-01: 730 days.
    expect(left.map((e) => e.detail.days)).toEqual([729, 700, 10, 0]);
    expect(await verifyWorkspaceChain(store.accessLog, ws)).toEqual({ ok: true, entries: 4, headSeq: 6 });
    // Later the same day nothing is due; two days on, the 729-day-old entry has aged out.
    expect(await a.runDue()).toBe('not-due');
    offset = 2 * DAY;
    expect(await b.runDue()).toBe('ran');
    expect((await store.accessLog.chain(ws, { afterSeq: 0, limit: 10 })).map((e) => e.detail.days)).toEqual([
      700, 10, 0,
    ]);
    expect((await verifyWorkspaceChain(store.accessLog, ws)).ok).toBe(true);
  });

  it('the instance holding the lease dies: another runs once the lease expired, without waiting for tomorrow', async () => {
    const ws = randomUUID();
    await store.accessLog.append({
      id: randomUUID(),
      workspaceId: ws,
      userId: null,
      type: 'auth.signin',
      at: new Date(start - 3 * 365 * DAY).toISOString(),
      ip: null,
      userAgent: null,
      detail: {},
    });
    // An instance took the lease at today's run and died holding it.
    await store.leases.tryAcquire('accessLog.prune', 'dead-node', now(), 60_000);
    const pending: Array<{ fn: () => void; ms: number }> = [];
    const timers = {
      setTimeout: (fn: () => void, ms: number) => pending.push({ fn, ms }),
      clearTimeout: () => {},
    };
    const j = new AccessLogRetention({
      repos: { accessLog: store.accessLog, leases: store.leases, meta: store.meta },
      log: quiet,
      now,
      timeZone: 'Asia/Tokyo',
      leaseTtlMs: 60_000,
      timers,
    });
    jobs.push(j);
    expect(await j.start()).toBe('locked');
    expect(pending.map((p) => p.ms)).toEqual([61_000]); // one retry, after the lease's lifetime
    expect(await store.accessLog.chain(ws, { afterSeq: 0, limit: 10 })).toHaveLength(1);
    offset += 61_000;
    pending.shift()?.fn();
    expect(await j.runDue()).toBe('not-due'); // queued behind the retry, which ran
    expect(await store.accessLog.chain(ws, { afterSeq: 0, limit: 10 })).toEqual([]);
    expect(pending).toEqual([]);
  });

  it('leaves the run to the instance holding the lease', async () => {
    await store.leases.tryAcquire('accessLog.prune', 'someone-else', now(), 60_000);
    const j = job();
    jobs.push(j);
    expect(await j.runDue()).toBe('locked');
    await store.leases.release('accessLog.prune', 'someone-else');
    expect(await j.runDue()).toBe('ran');
  });
});
