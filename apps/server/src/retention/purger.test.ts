import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PurgeStepResult, PurgeTarget } from '../chat/messageRepo.js';
import { type BlobStore, FsBlobStore } from '../storage/blobStore.js';
import { SqliteStore } from '../storage/sqlite/sqliteStore.js';
import { type PurgedConversation, Purger, type PurgerDeps, type RetentionLogger } from './purger.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
// 01:00 in Tokyo on 2026-03-12: a room quiet since two days before is due.
const NOW = new Date('2026-03-11T16:00:00.000Z');
const OLD = NOW.getTime() - 2 * DAY;
const WS = 'ws-purge';

describe('Purger', () => {
  let dir: string;
  let store: SqliteStore;
  let blobs: FsBlobStore;
  let purged: PurgedConversation[];
  let errors: unknown[];
  let flushes: number;
  const log: RetentionLogger = {
    info() {},
    warn() {},
    error: (obj) => {
      errors.push(obj);
    },
  };

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-purger-'));
    store = SqliteStore.inDataDir(dir);
    await store.migrate();
    blobs = new FsBlobStore(dir);
    purged = [];
    errors = [];
    flushes = 0;
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const purger = (over: Partial<PurgerDeps> = {}) =>
    new Purger({
      messages: store.messages,
      accessLog: store.accessLog,
      blobs,
      log,
      flushDeletions: async () => {
        flushes++;
        await store.flushDeletions();
      },
      onPurged: (p) => purged.push(p),
      ...over,
    });

  /** `rooms` rooms of `count` messages each, the last at `lastAt`; the first message carries an image. */
  async function seed(rooms: number, count: number, lastAt = OLD) {
    const ids: string[] = [];
    for (let r = 0; r < rooms; r++) {
      const id = `r${String(r).padStart(3, '0')}`;
      ids.push(id);
      await store.messages.ensureRoomConversation(WS, id, new Date(lastAt - DAY).toISOString());
      for (let i = 0; i < count; i++) {
        const mid = `${id}-m${String(i).padStart(4, '0')}`;
        const blobKey = `${WS}/${mid}.png`;
        if (i === 0) await blobs.put(blobKey, new Uint8Array([1, 2, 3]));
        await store.messages.append({
          id: mid,
          workspaceId: WS,
          conversationId: id,
          senderId: 'alice',
          text: `text ${mid}`,
          sentAt: new Date(lastAt - (count - 1 - i) * MIN).toISOString(),
          ...(i === 0 ? { attachments: [{ id: `${mid}-a`, blobKey }] } : {}),
        });
      }
    }
    return ids;
  }

  const rows = (table: string) =>
    (store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

  /** Wraps `purgeStep` to see each step (and run `after` once it resolved). */
  function watchSteps(after?: (step: number, res: PurgeStepResult) => Promise<void>) {
    const steps: Array<{ targets: PurgeTarget[]; limit: number; deleted: number; ticks: number }> = [];
    let ticks = 0;
    let ticking = true;
    const tick = () => {
      ticks++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const inner = store.messages.purgeStep.bind(store.messages);
    store.messages.purgeStep = async (ws, targets, limit) => {
      const res = await inner(ws, targets, limit);
      const deleted = res.conversations.reduce((n, c) => n + c.messages, 0);
      steps.push({ targets: [...targets], limit, deleted, ticks });
      await after?.(steps.length, res);
      return res;
    };
    return {
      steps,
      stop: () => {
        ticking = false;
      },
    };
  }

  it('deletes due conversations several to a step, never more than messageBatch, yielding between steps', async () => {
    const ids = await seed(30, 10);
    const watch = watchSteps();
    const res = await purger({ messageBatch: 25 }).purgeWorkspace(WS, 'Asia/Tokyo', NOW);
    watch.stop();
    expect(res).toEqual({ conversations: 30, messages: 300, attachments: 30, stopped: false });
    // 300 messages in steps of at most 25: twelve steps, most covering parts of several conversations.
    expect(watch.steps.map((s) => s.deleted)).toEqual(Array(12).fill(25));
    expect(watch.steps[0]?.targets.length).toBe(30);
    // Between two steps the event loop ran other work (an immediate that re-arms itself).
    const ticks = watch.steps.map((s) => s.ticks);
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]).toBeGreaterThan(ticks[i - 1] as number);
    expect([rows('messages'), rows('attachments'), rows('blob_deletions')]).toEqual([0, 0, 0]);
    expect(fs.readdirSync(path.join(blobs.root, WS))).toEqual([]);
    // Each conversation is announced once, with the cut-off the policy decided on.
    expect(purged.map((p) => p.conversationId)).toEqual(ids);
    expect(purged[0]).toEqual({ workspaceId: WS, conversationId: 'r000', upTo: new Date(OLD).toISOString() });
    expect(flushes).toBe(1);
  });

  it('a message arriving between steps survives, in a conversation the purge has not reached yet', async () => {
    await seed(10, 10);
    const lateAt = new Date(NOW.getTime() - MIN).toISOString();
    const watch = watchSteps(async (step) => {
      if (step !== 1) return;
      // After the first step r009 is still untouched, but it was already decided "due".
      expect(await store.messages.list(WS, 'r009')).toHaveLength(10);
      await store.messages.append({
        id: 'r009-late',
        workspaceId: WS,
        conversationId: 'r009',
        senderId: 'bob',
        text: 'anyone here?',
        sentAt: lateAt,
      });
    });
    const res = await purger({ messageBatch: 15 }).purgeWorkspace(WS, 'Asia/Tokyo', NOW);
    watch.stop();
    expect(watch.steps[0]?.targets.map((t) => t.conversationId)).toContain('r009');
    expect(res).toMatchObject({ conversations: 10, messages: 100 });
    expect((await store.messages.list(WS, 'r009')).map((m) => m.id)).toEqual(['r009-late']);
    expect(await store.messages.lastMessageAt(WS, 'r009')).toBe(lateAt);
    expect(rows('messages')).toBe(1);
    // Control: without the late message the conversation is emptied.
    expect(await store.messages.list(WS, 'r008')).toEqual([]);
  });

  it('removes blobs in parallel, at most blobConcurrency at once, and resolves once they are gone', async () => {
    await seed(20, 3);
    let inFlight = 0;
    let maxInFlight = 0;
    const order: string[] = [];
    const slow: BlobStore = {
      put: (k, d) => blobs.put(k, d),
      get: (k) => blobs.get(k),
      has: (k) => blobs.has(k),
      delete: async (k) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        // Slower than a row step: several deletions overlap.
        await new Promise((r) => setTimeout(r, 5));
        await blobs.delete(k);
        inFlight--;
        order.push('blob');
      },
    };
    const res = await purger({
      blobs: slow,
      blobConcurrency: 4,
      messageBatch: 6,
      flushDeletions: async () => {
        order.push('flush');
        await store.flushDeletions();
      },
    }).purgeWorkspace(WS, 'Asia/Tokyo', NOW);
    expect(res).toMatchObject({ conversations: 20, messages: 60, attachments: 20 });
    expect(maxInFlight).toBe(4);
    expect(order.filter((o) => o === 'blob')).toHaveLength(20);
    expect(order.at(-1)).toBe('flush'); // the files went before the purge made it final
    expect(fs.readdirSync(path.join(blobs.root, WS))).toEqual([]);
    expect(rows('blob_deletions')).toBe(0); // every removal confirmed
  });

  it('a blob not removed (crash or error) stays queued with its rows gone; the next run’s drain removes it', async () => {
    await seed(3, 2);
    const broken: BlobStore = {
      put: (k, d) => blobs.put(k, d),
      get: (k) => blobs.get(k),
      has: (k) => blobs.has(k),
      delete: async () => {
        throw new Error('the process died here');
      },
    };
    await purger({ blobs: broken }).purgeWorkspace(WS, 'Asia/Tokyo', NOW);
    expect(rows('messages')).toBe(0);
    expect(rows('blob_deletions')).toBe(3);
    expect(fs.readdirSync(path.join(blobs.root, WS))).toHaveLength(3);
    expect(errors).toHaveLength(3);
    // While every deletion keeps failing, the drain gives up for this run instead of spinning.
    expect(await purger({ blobs: broken }).drainPendingBlobs()).toBe(0);
    expect(rows('blob_deletions')).toBe(3);

    expect(await purger().drainPendingBlobs()).toBe(3);
    expect(rows('blob_deletions')).toBe(0);
    expect(fs.readdirSync(path.join(blobs.root, WS))).toEqual([]);
  });

  it('purgeConversation empties one big conversation in bounded steps and announces it after the blobs', async () => {
    await seed(1, 40);
    const watch = watchSteps();
    const res = await purger({ messageBatch: 16 }).purgeConversation(WS, 'r000', NOW, 'room-empty');
    watch.stop();
    expect(res).toEqual({ conversations: 1, messages: 40, attachments: 1 });
    expect(watch.steps.map((s) => s.deleted)).toEqual([16, 16, 8]);
    expect(purged).toEqual([{ workspaceId: WS, conversationId: 'r000' }]);
    expect(await blobs.has(`${WS}/r000-m0000.png`)).toBe(false);
    expect(flushes).toBe(1);
  });

  it('stops when a step makes no progress instead of spinning', async () => {
    await seed(1, 2);
    store.messages.purgeStep = async () => ({ conversations: [], blobKeys: [] });
    await expect(purger().purgeWorkspace(WS, 'Asia/Tokyo', NOW)).rejects.toThrow(/no progress/);
  });
});
