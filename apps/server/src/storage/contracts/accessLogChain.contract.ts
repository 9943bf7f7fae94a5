import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyWorkspaceChain } from '../../audit/accessLogChain.js';
import type { AccessLogEvent, Store } from '../store.js';

/** What the chain suite needs beyond a store: a second instance on the same data, and raw tampering. */
export interface ChainHarness {
  store: Store;
  /** Another store instance (its own connection/client) over the same database. */
  second(): Promise<Store>;
  /** Changes a stored entry behind the application's back, as someone with database access could. */
  edit(workspaceId: string, id: string, patch: { type?: string; userId?: string }): Promise<void>;
  remove(workspaceId: string, id: string): Promise<void>;
  close(): Promise<void>;
}

const event = (
  workspaceId: string | null,
  i: number,
  over: Partial<AccessLogEvent> = {},
): AccessLogEvent => ({
  id: randomUUID(),
  workspaceId,
  userId: `u${i % 3}`,
  type: i % 2 ? 'room.enter' : 'room.leave',
  at: new Date(Date.parse('2026-06-01T00:00:00.000Z') + i * 1000).toISOString(),
  ip: '192.0.2.7',
  userAgent: 'test "agent"',
  detail: { i, room: 'r1', ok: true },
  ...over,
});

/** The access log's hash chain (R14) on every engine: appends link, concurrent appends never fork, tampering shows. */
export function describeAccessLogChainContract(engine: string, make: () => Promise<ChainHarness>) {
  describe(`Access-log chain contract: ${engine}`, () => {
    let h: ChainHarness;
    beforeEach(async () => {
      h = await make();
    });
    afterEach(async () => {
      await h.close();
    });

    it('links each workspace’s entries 1, 2, 3 … to the previous hash, and verifies', async () => {
      const [a, b] = [randomUUID(), randomUUID()];
      for (let i = 0; i < 6; i++) await h.store.accessLog.append(event(i % 2 ? a : b, i));
      await h.store.accessLog.append(event(null, 9));
      const chainA = await h.store.accessLog.chain(a, { afterSeq: 0, limit: 100 });
      expect(chainA.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(chainA[1]!.prevHash).toBe(chainA[0]!.hash);
      expect(chainA[0]!.detail).toEqual({ i: 1, room: 'r1', ok: true });
      expect(await h.store.accessLog.chain(a, { afterSeq: 2, limit: 100 })).toEqual([chainA[2]]);
      expect(await h.store.accessLog.chainHead(a)).toMatchObject({ seq: 3, hash: chainA[2]!.hash });
      expect(await verifyWorkspaceChain(h.store.accessLog, a)).toEqual({ ok: true, entries: 3, headSeq: 3 });
      expect(await verifyWorkspaceChain(h.store.accessLog, b)).toEqual({ ok: true, entries: 3, headSeq: 3 });
      expect(await verifyWorkspaceChain(h.store.accessLog, null)).toEqual({
        ok: true,
        entries: 1,
        headSeq: 1,
      });
      expect(await verifyWorkspaceChain(h.store.accessLog, randomUUID())).toEqual({
        ok: true,
        entries: 0,
        headSeq: 0,
      });
    });

    it('never forks under parallel appends from two instances', async () => {
      const ws = randomUUID();
      const other = await h.second();
      try {
        await Promise.all(
          Array.from({ length: 40 }, (_, i) => (i % 2 ? h.store : other).accessLog.append(event(ws, i))),
        );
      } finally {
        await other.close();
      }
      const chain = await h.store.accessLog.chain(ws, { afterSeq: 0, limit: 100 });
      expect(chain.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(new Set(chain.map((e) => e.prevHash)).size).toBe(40);
      expect(await verifyWorkspaceChain(h.store.accessLog, ws)).toEqual({
        ok: true,
        entries: 40,
        headSeq: 40,
      });
    }, 60_000);

    it('fails only the bad append of a burst (a repeated id); the others chain', async () => {
      const ws = randomUUID();
      const first = event(ws, 0);
      await h.store.accessLog.append(first);
      const burst = Array.from({ length: 10 }, (_, i) => (i === 4 ? { ...first } : event(ws, i + 1)));
      const results = await Promise.allSettled(burst.map((e) => h.store.accessLog.append(e)));
      expect(results.map((r) => r.status)).toEqual(burst.map((_, i) => (i === 4 ? 'rejected' : 'fulfilled')));
      expect(await verifyWorkspaceChain(h.store.accessLog, ws)).toEqual({
        ok: true,
        entries: 10,
        headSeq: 10,
      });
    });

    it('reports an edited row by its id', async () => {
      const ws = randomUUID();
      const events = Array.from({ length: 5 }, (_, i) => event(ws, i));
      for (const e of events) await h.store.accessLog.append(e);
      await h.edit(ws, events[2]!.id, { type: 'auth.signin' });
      expect(await verifyWorkspaceChain(h.store.accessLog, ws)).toEqual({
        ok: false,
        entries: 2,
        break: { id: events[2]!.id, seq: 3, reason: 'hashMismatch' },
      });
      // Another workspace's chain is unaffected.
      const other = randomUUID();
      await h.store.accessLog.append(event(other, 1));
      expect((await verifyWorkspaceChain(h.store.accessLog, other)).ok).toBe(true);
    });

    it('reports a removed row at the entry after it, and a cut-off tail', async () => {
      const ws = randomUUID();
      const events = Array.from({ length: 5 }, (_, i) => event(ws, i));
      for (const e of events) await h.store.accessLog.append(e);
      await h.remove(ws, events[4]!.id);
      expect(await verifyWorkspaceChain(h.store.accessLog, ws)).toEqual({
        ok: false,
        entries: 4,
        break: { id: null, seq: 5, reason: 'headMismatch' },
      });
      await h.remove(ws, events[1]!.id);
      expect(await verifyWorkspaceChain(h.store.accessLog, ws)).toEqual({
        ok: false,
        entries: 1,
        break: { id: events[2]!.id, seq: 3, reason: 'seqGap' },
      });
    });

    it('prunes the oldest entries before a time, keeping one verifiable chain that still shows tampering', async () => {
      const ws = randomUUID();
      const other = randomUUID();
      const events = Array.from({ length: 8 }, (_, i) => event(ws, i));
      for (const e of events) await h.store.accessLog.append(e);
      await h.store.accessLog.append(event(other, 0));
      expect((await h.store.accessLog.chains()).sort()).toEqual([ws, other].sort());
      // Entries 0–4 are older than entry 5; at most 3 per call.
      const before = events[5]!.at;
      expect(await h.store.accessLog.pruneBefore(ws, before, 3)).toBe(3);
      expect(await h.store.accessLog.pruneBefore(ws, before, 3)).toBe(2);
      expect(await h.store.accessLog.pruneBefore(ws, before, 3)).toBe(0);
      const left = await h.store.accessLog.chain(ws, { afterSeq: 0, limit: 100 });
      expect(left.map((e) => e.id)).toEqual(events.slice(5).map((e) => e.id));
      expect(await h.store.accessLog.chainHead(ws)).toMatchObject({ seq: 8, prunedSeq: 5 });
      expect(await verifyWorkspaceChain(h.store.accessLog, ws)).toEqual({ ok: true, entries: 3, headSeq: 8 });
      expect((await h.store.accessLog.chain(other, { afterSeq: 0, limit: 10 })).length).toBe(1);
      // Appends continue the chain; removing the oldest kept entry by hand is still a break.
      await h.store.accessLog.append(event(ws, 8));
      await h.remove(ws, events[5]!.id);
      expect(await verifyWorkspaceChain(h.store.accessLog, ws)).toMatchObject({
        ok: false,
        break: { id: events[6]!.id, seq: 7, reason: 'seqGap' },
      });
    });

    it('joins an open transaction: rolled back with it, the chain stays whole', async () => {
      const ws = randomUUID();
      await h.store.accessLog.append(event(ws, 0));
      await expect(
        h.store.transaction(async (tx) => {
          await tx.accessLog.append(event(ws, 1));
          throw new Error('abandon');
        }),
      ).rejects.toThrow('abandon');
      await h.store.transaction((tx) => tx.accessLog.append(event(ws, 2)));
      expect((await h.store.accessLog.chain(ws, { afterSeq: 0, limit: 10 })).map((e) => e.detail.i)).toEqual([
        0, 2,
      ]);
      expect(await verifyWorkspaceChain(h.store.accessLog, ws)).toEqual({ ok: true, entries: 2, headSeq: 2 });
    });
  });
}
