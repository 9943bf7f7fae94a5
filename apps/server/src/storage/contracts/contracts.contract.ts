import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContractLogEntry, Store, WorkspaceDeletion } from '../store.js';
import { newUser, newWorkspace, T0 } from './accountFixtures.js';

const logEntry = (
  workspaceId: string,
  at: string,
  over: Partial<ContractLogEntry> = {},
): ContractLogEntry => ({
  id: randomUUID(),
  workspaceId,
  at,
  type: 'plan_changed',
  actor: { kind: 'operator', name: 'ops' },
  detail: { from: 'free', to: 'team' },
  ...over,
});

const holder = {
  companyName: 'Example KK',
  billingContactName: 'Keiri Tanaka',
  billingContactEmail: 'billing@example.co.jp',
};

/**
 * Contracts, the contract log (append-only, 8 years), the operator audit log, workspace deletions and the
 * engine's workspace erasers (R17, R22, issue 13 "leaving"), on every engine.
 */
export function describeContractsContract(engine: string, make: () => Promise<Store>) {
  describe(`contracts store contract: ${engine}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await make();
    });
    afterEach(() => store.close());

    it('keeps a contract per workspace; another workspace reads none', async () => {
      const [a, b] = [await newWorkspace(store), await newWorkspace(store)];
      const c = {
        workspaceId: a,
        holder,
        billing: [
          {
            id: 'b1',
            period: '2026-11',
            amount: 50_000,
            currency: 'JPY' as const,
            description: '',
            recordedAt: T0,
          },
        ],
        updatedAt: T0,
      };
      await store.contracts.put(c);
      expect(await store.contracts.get(a)).toEqual(c);
      expect(await store.contracts.get(b)).toBeUndefined();
    });

    it('lists a workspace log newest first and only its own', async () => {
      const [a, b] = [randomUUID(), randomUUID()];
      const e1 = logEntry(a, '2026-01-01T00:00:00.000Z');
      const e2 = logEntry(a, '2026-02-01T00:00:00.000Z', { type: 'holder_changed', detail: { holder } });
      await store.contracts.appendLog(e1);
      await store.contracts.appendLog(e2);
      await store.contracts.appendLog(logEntry(b, '2026-03-01T00:00:00.000Z'));
      expect(await store.contracts.listLog(a, 10)).toEqual([e2, e1]);
      expect(await store.contracts.listLog(a, 1)).toEqual([e2]);
    });

    it('never overwrites a log entry: appending an existing id fails and the entry stays as it was', async () => {
      const a = randomUUID();
      const e = logEntry(a, '2026-01-01T00:00:00.000Z');
      await store.contracts.appendLog(e);
      await expect(
        store.contracts.appendLog({ ...e, detail: { from: 'free', to: 'enterprise' } }),
      ).rejects.toThrow();
      expect(await store.contracts.listLog(a, 10)).toEqual([e]);
    });

    it('removes log entries only once their 8 years are over, never a day earlier', async () => {
      const a = randomUUID();
      const old = logEntry(a, '2010-01-01T00:00:00.000Z');
      const younger = logEntry(a, '2018-06-01T00:00:00.000Z');
      await store.contracts.appendLog(old);
      await store.contracts.appendLog(younger);
      expect(await store.contracts.pruneLog(new Date('2017-12-31T23:59:59.999Z'), 100)).toBe(0);
      expect(await store.contracts.listLog(a, 10)).toEqual([younger, old]);
      expect(await store.contracts.pruneLog(new Date('2018-01-01T00:00:00.000Z'), 100)).toBe(1);
      expect(await store.contracts.listLog(a, 10)).toEqual([younger]);
    });

    it('keeps operator audit entries, newest first, filtered by workspace; an id cannot be reused', async () => {
      const a = randomUUID();
      const e1 = {
        id: randomUUID(),
        at: '2026-01-01T00:00:00.000Z',
        operator: 'alice',
        action: 'contract.read',
        workspaceId: a,
        reason: 'ticket 42',
        ip: '127.0.0.1',
      };
      const e2 = {
        ...e1,
        id: randomUUID(),
        at: '2026-01-02T00:00:00.000Z',
        workspaceId: null,
        action: 'stats.read',
      };
      await store.operatorAudit.append(e1);
      await store.operatorAudit.append(e2);
      expect(await store.operatorAudit.list({ limit: 10 })).toEqual([e2, e1]);
      expect(await store.operatorAudit.list({ workspaceId: a, limit: 10 })).toEqual([e1]);
      await expect(store.operatorAudit.append({ ...e1, reason: 'changed' })).rejects.toThrow();
      expect(await store.operatorAudit.list({ workspaceId: a, limit: 10 })).toEqual([e1]);
    });

    it('finds deletions whose grace period ended, and not restored ones', async () => {
      const d = (workspaceId: string, eraseAfter: string, state: WorkspaceDeletion['state']) => ({
        workspaceId,
        state,
        requestedAt: T0,
        requestedBy: { kind: 'owner' as const, name: 'u1' },
        cause: 'owner' as const,
        eraseAfter,
      });
      const due = d(randomUUID(), '2026-01-01T00:00:00.000Z', 'closed');
      const later = d(randomUUID(), '2026-03-01T00:00:00.000Z', 'closed');
      const restored = d(randomUUID(), '2026-01-01T00:00:00.000Z', 'restored');
      for (const x of [due, later, restored]) await store.workspaceDeletions.put(x);
      expect(await store.workspaceDeletions.listDue(new Date('2026-02-01T00:00:00.000Z'), 10)).toEqual([due]);
      expect(await store.workspaceDeletions.get(restored.workspaceId)).toEqual(restored);
    });

    it('closes and reopens a workspace record', async () => {
      const a = await newWorkspace(store);
      await store.workspaces.update(a, { closedAt: T0 });
      expect((await store.workspaces.get(a))?.closedAt).toBe(T0);
      await store.workspaces.update(a, { plan: 'team' });
      expect((await store.workspaces.get(a))?.closedAt).toBe(T0);
      await store.workspaces.update(a, { closedAt: null });
      expect((await store.workspaces.get(a))?.closedAt).toBeUndefined();
    });

    it("the erasers remove one workspace's data, leave its contract log and another workspace untouched", async () => {
      const seed = async () => {
        const ws = await newWorkspace(store);
        const u = await newUser(store);
        await store.accounts.memberships.add({
          workspaceId: ws,
          userId: u.id,
          role: 'owner',
          status: 'active',
          joinedAt: T0,
        });
        const roomId = randomUUID();
        await store.rooms.create({
          id: roomId,
          workspaceId: ws,
          name: 'R',
          capacity: null,
          archived: false,
          createdAt: T0,
        });
        await store.messages.ensureRoomConversation(ws, roomId, T0);
        await store.messages.append({
          id: randomUUID(),
          workspaceId: ws,
          conversationId: roomId,
          senderId: u.id,
          text: 'hello',
          sentAt: T0,
        });
        await store.accessLog.append({
          id: randomUUID(),
          workspaceId: ws,
          userId: u.id,
          type: 'auth.signin',
          at: T0,
          ip: null,
          userAgent: null,
          detail: {},
        });
        await store.contracts.put({ workspaceId: ws, holder, billing: [], updatedAt: T0 });
        await store.contracts.appendLog(logEntry(ws, T0));
        return { ws, u, roomId };
      };
      const a = await seed();
      const b = await seed();
      const counts: Record<string, number> = {};
      for (const eraser of store.erasers)
        for (const [k, n] of Object.entries(await eraser.eraseWorkspace(a.ws)))
          counts[`${eraser.domain}.${k}`] = n;
      expect(store.erasers.at(-1)?.domain).toBe('workspace');
      expect(Object.values(counts).reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(7);
      expect(await store.workspaces.get(a.ws)).toBeUndefined();
      expect(await store.accounts.memberships.get(a.ws, a.u.id)).toBeUndefined();
      expect(await store.rooms.list(a.ws)).toEqual([]);
      expect(await store.messages.list(a.ws, a.roomId)).toEqual([]);
      expect(await store.accessLog.list({ workspaceId: a.ws, limit: 10 })).toEqual([]);
      expect(await store.contracts.get(a.ws)).toBeUndefined();
      expect(await store.contracts.listLog(a.ws, 10)).toHaveLength(1);
      // The other workspace keeps everything.
      expect(await store.workspaces.get(b.ws)).toBeDefined();
      expect(await store.accounts.memberships.get(b.ws, b.u.id)).toBeDefined();
      expect(await store.rooms.list(b.ws)).toHaveLength(1);
      expect(await store.messages.list(b.ws, b.roomId)).toHaveLength(1);
      expect(await store.accessLog.list({ workspaceId: b.ws, limit: 10 })).toHaveLength(1);
      expect(await store.contracts.get(b.ws)).toBeDefined();
      // Idempotent: a second run finds nothing more.
      for (const eraser of store.erasers)
        for (const n of Object.values(await eraser.eraseWorkspace(a.ws))) expect(n).toBe(0);
    });
  });
}
