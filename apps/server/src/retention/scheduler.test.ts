import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '../chat/messageRepo.js';
import { FsBlobStore } from '../storage/blobStore.js';
import { SqliteStore } from '../storage/sqlite/sqliteStore.js';
import type { PurgedConversation, RetentionLogger } from './purger.js';
import { RetentionScheduler } from './scheduler.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
// 01:00 in Tokyo on 2026-03-12.
const ONE_AM = Date.parse('2026-03-11T16:00:00.000Z');

const silent: RetentionLogger = { info() {}, warn() {}, error() {} };

describe('RetentionScheduler', () => {
  let dir: string;
  let store: SqliteStore;
  let blobs: FsBlobStore;
  let clock: number;
  const stores: SqliteStore[] = [];
  const schedulers: RetentionScheduler[] = [];
  let purged: PurgedConversation[];

  const scheduler = (over: Partial<ConstructorParameters<typeof RetentionScheduler>[0]> = {}) => {
    const s = new RetentionScheduler({
      repos: store,
      flushDeletions: () => store.flushDeletions(),
      blobs,
      log: silent,
      now: () => new Date(clock),
      onPurged: (p) => purged.push(p),
      ...over,
    });
    schedulers.push(s);
    return s;
  };

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-retention-'));
    store = SqliteStore.inDataDir(dir);
    stores.push(store);
    await store.migrate();
    blobs = new FsBlobStore(dir);
    purged = [];
    clock = ONE_AM;
    await workspace('ws-tokyo', 'Asia/Tokyo');
  });

  afterEach(async () => {
    for (const s of schedulers.splice(0)) await s.stop();
    for (const s of stores.splice(0)) await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function workspace(id: string, timeZone: string) {
    await store.workspaces.create({
      id,
      name: id,
      plan: 'team',
      timeZone,
      createdAt: '2026-01-01T00:00:00.000Z',
    });
  }

  let seq = 0;
  /** `count` messages ending at `lastAt`, one minute apart; the first carries an image. */
  async function say(ws: string, conversationId: string, lastAt: number, count = 3) {
    for (let i = count - 1; i >= 0; i--) {
      const id = `m${++seq}`;
      const attachments = i === count - 1 ? [{ id: `a${seq}`, blobKey: `${ws}/${id}.png` }] : undefined;
      if (attachments) await blobs.put(attachments[0]?.blobKey as string, new Uint8Array([1]));
      const m: Message = {
        id,
        workspaceId: ws,
        conversationId,
        senderId: 'alice',
        text: `secret ${seq}`,
        sentAt: new Date(lastAt - i * MIN).toISOString(),
        ...(attachments ? { attachments } : {}),
      };
      await store.messages.append(m);
    }
  }

  async function room(ws: string, id: string, lastAt: number, count = 3) {
    await store.messages.ensureRoomConversation(ws, id, new Date(lastAt - DAY).toISOString());
    await say(ws, id, lastAt, count);
  }

  async function thread(ws: string, id: string, lastAt: number) {
    await store.messages.createThread({
      workspaceId: ws,
      id,
      type: 'group',
      memberIds: ['alice', 'bob'],
      createdAt: new Date(lastAt - 40 * DAY).toISOString(),
    });
    await say(ws, id, lastAt);
  }

  const rows = (table: string) =>
    (store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  const count = async (ws: string, id: string) => (await store.messages.list(ws, id)).length;

  it('room: last message 23 h 59 min before 01:00 is kept; the next 01:00 deletes rows and images', async () => {
    await room('ws-tokyo', 'r1', ONE_AM - (23 * HOUR + 59 * MIN));
    const s = scheduler();
    expect(await s.runZone('Asia/Tokyo')).toMatchObject({ status: 'ran', messages: 0 });
    expect(await count('ws-tokyo', 'r1')).toBe(3);

    clock = ONE_AM + DAY;
    expect(await s.runZone('Asia/Tokyo')).toMatchObject({
      status: 'ran',
      workspaces: 1,
      conversations: 1,
      messages: 3,
      attachments: 1,
    });
    expect(await count('ws-tokyo', 'r1')).toBe(0);
    expect([rows('messages'), rows('attachments'), rows('blob_deletions')]).toEqual([0, 0, 0]);
    expect(await blobs.has('ws-tokyo/m1.png')).toBe(false);
    expect(purged).toEqual([{ workspaceId: 'ws-tokyo', conversationId: 'r1', upTo: expect.any(String) }]);
    const events = await store.accessLog.list({ workspaceId: 'ws-tokyo', type: 'retention.purge' });
    expect(events.map((e) => e.detail)).toEqual([{ conversations: 1, messages: 3, reason: 'schedule' }]);
    expect(JSON.stringify(events)).not.toContain('secret'); // counts only
  });

  it('room: exactly 24 h before 01:00 goes at that 01:00', async () => {
    await room('ws-tokyo', 'r1', ONE_AM - DAY);
    expect(await scheduler().runZone('Asia/Tokyo')).toMatchObject({ messages: 3 });
  });

  it('workspace thread: 29 days 23 h stays, 30 days goes at 01:00', async () => {
    await thread('ws-tokyo', 'young', ONE_AM - (29 * DAY + 23 * HOUR));
    await thread('ws-tokyo', 'old', ONE_AM - 30 * DAY);
    const s = scheduler();
    expect(await s.runZone('Asia/Tokyo')).toMatchObject({ conversations: 1, messages: 3 });
    expect(await count('ws-tokyo', 'old')).toBe(0);
    expect(await count('ws-tokyo', 'young')).toBe(3);
    // The thread itself (members, read markers) remains; only its messages are gone.
    expect((await store.messages.getConversation('ws-tokyo', 'old'))?.memberIds).toEqual(['alice', 'bob']);
    expect(await store.messages.unreadCount('ws-tokyo', 'old', 'bob')).toBe(0);

    clock = ONE_AM + DAY;
    await s.runZone('Asia/Tokyo');
    expect(await count('ws-tokyo', 'young')).toBe(0);
  });

  it('a run missed during downtime runs at start-up, and only then', async () => {
    await store.meta.set('retention.lastRun:Asia/Tokyo', new Date(ONE_AM - DAY).toISOString());
    await room('ws-tokyo', 'r1', ONE_AM - 2 * DAY);
    clock = ONE_AM + 8 * HOUR; // 09:00: the server was down at 01:00
    const s = scheduler();
    const reports = await s.start();
    expect(reports).toEqual([
      expect.objectContaining({ timeZone: 'Asia/Tokyo', status: 'ran', messages: 3 }),
    ]);
    expect(await count('ws-tokyo', 'r1')).toBe(0);
    expect(s.timeZones).toEqual(['Asia/Tokyo']);
    expect(await store.meta.get('retention.lastRun:Asia/Tokyo')).toBe(new Date(clock).toISOString());

    // A restart later that day finds the run recorded and does nothing.
    await s.stop();
    expect(s.timeZones).toEqual([]);
    await room('ws-tokyo', 'r2', ONE_AM - 2 * DAY);
    clock += 2 * HOUR;
    expect(await scheduler().start()).toEqual([]);
    expect(await count('ws-tokyo', 'r2')).toBe(3);
  });

  it('two schedulers on one database file delete once', async () => {
    for (let i = 0; i < 20; i++) await room('ws-tokyo', `r${String(i).padStart(2, '0')}`, ONE_AM - 2 * DAY);
    const other = SqliteStore.inDataDir(dir); // a second server instance on the same file
    stores.push(other);
    const a = scheduler({ holder: 'node-a', pageSize: 3 });
    const b = scheduler({
      holder: 'node-b',
      pageSize: 3,
      repos: other,
      flushDeletions: () => other.flushDeletions(),
    });
    const reports = await Promise.all([a.runZone('Asia/Tokyo'), b.runZone('Asia/Tokyo')]);
    // One runs; the other either found the lease taken or arrived after the recorded run.
    expect(reports.filter((r) => r.status === 'ran')).toHaveLength(1);
    expect(['locked', 'already-ran']).toContain(reports.find((r) => r.status !== 'ran')?.status);
    expect(reports.reduce((n, r) => n + r.messages, 0)).toBe(60);
    expect(rows('messages')).toBe(0);
    const events = await store.accessLog.list({ workspaceId: 'ws-tokyo', type: 'retention.purge' });
    expect(events).toHaveLength(1);
    // Later the same night: both see the recorded run.
    clock += HOUR;
    expect((await a.runZone('Asia/Tokyo')).status).toBe('already-ran');
    expect((await b.runZone('Asia/Tokyo')).status).toBe('already-ran');
  });

  it('stop() during start-up leaves no job behind and no run against a closing store', async () => {
    await room('ws-tokyo', 'r1', ONE_AM - 2 * DAY);
    const s = scheduler();
    const starting = s.start();
    await s.stop();
    await starting;
    expect(s.timeZones).toEqual([]);
    expect(await s.runZone('Asia/Tokyo')).toMatchObject({ status: 'stopped' });
    expect(await count('ws-tokyo', 'r1')).toBe(3);
  });

  it('the instance holding the lease dies mid-run: the other one’s retry purges once the lease expired', async () => {
    for (let i = 0; i < 3; i++) await room('ws-tokyo', `r${i}`, ONE_AM - 2 * DAY);
    // node a took the lease at 01:00 and died before releasing it (nothing recorded as run).
    expect(await store.leases.tryAcquire('retention.purge', 'node-a', new Date(clock), 5 * MIN)).toBe(true);
    const pending: Array<{ fn: () => void; ms: number }> = [];
    const timers = {
      setTimeout: (fn: () => void, ms: number) => pending.push({ fn, ms }),
      clearTimeout: () => {},
    };
    const b = scheduler({ holder: 'node-b', leaseTtlMs: 5 * MIN, timers });
    clock += 5_000;
    // node b's start-up catch-up (or its 01:00 cron) finds the lease taken and schedules one retry.
    expect(await b.start()).toMatchObject([{ status: 'locked', messages: 0 }]);
    expect(pending.map((p) => p.ms)).toEqual([5 * MIN + 1_000]);
    expect(rows('messages')).toBe(9);
    clock += 5 * MIN + 1_000;
    const finished = new Promise((resolve) => b.runs.once('finished', resolve));
    pending.shift()?.fn();
    expect(await finished).toMatchObject({ kind: 'nightly', status: 'ran', messages: 9 });
    expect(rows('messages')).toBe(0);
    expect(await store.accessLog.list({ workspaceId: 'ws-tokyo', type: 'retention.purge' })).toHaveLength(1);
  });

  it('skips while another instance holds the lease', async () => {
    await room('ws-tokyo', 'r1', ONE_AM - 2 * DAY);
    expect(await store.leases.tryAcquire('retention.purge', 'someone-else', new Date(clock), 60_000)).toBe(
      true,
    );
    expect(await scheduler().runZone('Asia/Tokyo')).toMatchObject({ status: 'locked', messages: 0 });
    expect(await count('ws-tokyo', 'r1')).toBe(3);
  });

  it('uses each workspace’s zone as it is at run time, one job per distinct zone', async () => {
    await workspace('ws-la', 'America/Los_Angeles');
    await workspace('ws-tokyo-2', 'Asia/Tokyo');
    await room('ws-la', 'r1', ONE_AM - DAY);
    await room('ws-tokyo-2', 'r1', ONE_AM - DAY);
    const s = scheduler();
    await s.syncZones();
    expect(s.timeZones).toEqual(['America/Los_Angeles', 'Asia/Tokyo']);
    // 01:00 in Tokyo is 09:00 the previous evening in Los Angeles: only Tokyo's zone runs and deletes.
    expect(await s.runZone('Asia/Tokyo')).toMatchObject({ workspaces: 1, messages: 3 });
    expect(await count('ws-la', 'r1')).toBe(3);
    // The LA workspace moves to Tokyo before the night: it is purged by Tokyo's job, by Tokyo's clock.
    await store.workspaces.update('ws-la', { timeZone: 'Asia/Tokyo' });
    await s.syncZones();
    expect(s.timeZones).toEqual(['Asia/Tokyo']);
    await store.meta.set('retention.lastRun:Asia/Tokyo', new Date(0).toISOString());
    expect(await s.runZone('Asia/Tokyo')).toMatchObject({ messages: 3 });
    expect(await count('ws-la', 'r1')).toBe(0);
  });

  it('deletes a big conversation in small steps, leaving a message that arrives meanwhile', async () => {
    await room('ws-tokyo', 'big', ONE_AM - 2 * DAY, 25);
    const s = scheduler({ messageBatch: 4 });
    let finished = false;
    const run = s.runZone('Asia/Tokyo').finally(() => {
      finished = true;
    });
    // The purge yields between steps, so this append lands in the middle of it.
    while ((await store.messages.list('ws-tokyo', 'big')).length === 25)
      await new Promise((r) => setImmediate(r));
    expect(finished).toBe(false);
    await store.messages.append({
      id: 'late',
      workspaceId: 'ws-tokyo',
      conversationId: 'big',
      senderId: 'bob',
      text: 'still here?',
      sentAt: new Date(clock).toISOString(),
    });
    expect(await run).toMatchObject({ messages: 25 });
    expect((await store.messages.list('ws-tokyo', 'big')).map((m) => m.id)).toEqual(['late']);
    expect(await store.messages.lastMessageAt('ws-tokyo', 'big')).toBe(new Date(clock).toISOString());
  });

  it('purgeConversationNow deletes a room’s messages at once when it empties (R6)', async () => {
    await room('ws-tokyo', 'r1', clock - MIN, 5);
    const s = scheduler();
    expect(await s.purgeConversationNow('ws-tokyo', 'r1')).toEqual({
      conversations: 1,
      messages: 5,
      attachments: 1,
    });
    expect(await count('ws-tokyo', 'r1')).toBe(0);
    expect(await blobs.has('ws-tokyo/m1.png')).toBe(false);
    expect(purged).toEqual([{ workspaceId: 'ws-tokyo', conversationId: 'r1' }]);
    const events = await store.accessLog.list({ workspaceId: 'ws-tokyo', type: 'retention.purge' });
    expect(events.map((e) => e.detail)).toEqual([{ conversations: 1, messages: 5, reason: 'room-empty' }]);
    // Nothing left: a second call is a no-op and records nothing.
    expect(await s.purgeConversationNow('ws-tokyo', 'r1')).toMatchObject({ messages: 0 });
    expect(await store.accessLog.list({ workspaceId: 'ws-tokyo' })).toHaveLength(1);
  });

  it('retries a blob whose deletion failed on the next run', async () => {
    await room('ws-tokyo', 'r1', ONE_AM - 2 * DAY);
    let fail = true;
    const flaky = {
      put: (k: string, d: Uint8Array) => blobs.put(k, d),
      get: (k: string) => blobs.get(k),
      has: (k: string) => blobs.has(k),
      delete: async (k: string) => {
        if (fail) throw new Error('disk busy');
        await blobs.delete(k);
      },
    };
    await scheduler({ blobs: flaky }).runZone('Asia/Tokyo');
    expect(rows('messages')).toBe(0);
    expect(rows('blob_deletions')).toBe(1);
    fail = false;
    clock += DAY;
    await scheduler({ blobs: flaky }).runZone('Asia/Tokyo');
    expect(rows('blob_deletions')).toBe(0);
    expect(await blobs.has('ws-tokyo/m1.png')).toBe(false);
  });
});
