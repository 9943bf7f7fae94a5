import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MaintenanceRecord } from '../../ops/maintenanceRepo.js';
import type { Store } from '../store.js';

/** What the suite needs: a store, and a second instance over the same data (another server). */
export interface MaintenanceHarness {
  store: Store;
  second(): Promise<Store>;
  close(): Promise<void>;
}

const rec = (
  id: string,
  startsAt: string,
  endsAt: string,
  over: Partial<MaintenanceRecord> = {},
): MaintenanceRecord => ({
  id,
  startsAt,
  endsAt,
  source: 'operator',
  note: null,
  createdAt: '2026-12-01T00:00:00.000Z',
  createdBy: 'ops',
  cancelledAt: null,
  cancelledBy: null,
  ...over,
});

/** Maintenance windows (R21) on every engine: create once, cancel once, range reads by overlap. */
export function describeMaintenanceContract(engine: string, make: () => Promise<MaintenanceHarness>) {
  describe(`maintenance windows store contract: ${engine}`, () => {
    let h: MaintenanceHarness;
    const others: Store[] = [];
    beforeEach(async () => {
      h = await make();
    });
    afterEach(async () => {
      for (const s of others.splice(0)) await s.close();
      await h.close();
    });

    it('creates a window once; a second create with the same id is refused and changes nothing', async () => {
      const a = rec('op-a', '2026-12-10T13:00:00.000Z', '2026-12-10T15:00:00.000Z', { note: 'DB upgrade' });
      expect(await h.store.maintenance.create(a)).toBe(true);
      expect(await h.store.maintenance.create({ ...a, note: 'other' })).toBe(false);
      expect(await h.store.maintenance.get('op-a')).toEqual(a);
      expect(await h.store.maintenance.get('op-missing')).toBeUndefined();
    });

    it('lists the windows overlapping a range, by start, cancelled ones included', async () => {
      const m = h.store.maintenance;
      await m.create(rec('op-late', '2026-12-20T00:00:00.000Z', '2026-12-20T02:00:00.000Z'));
      await m.create(rec('op-early', '2026-12-05T00:00:00.000Z', '2026-12-05T02:00:00.000Z'));
      await m.create(rec('op-past', '2026-11-01T00:00:00.000Z', '2026-11-01T02:00:00.000Z'));
      await m.create(rec('op-spanning', '2026-11-30T22:00:00.000Z', '2026-12-01T01:00:00.000Z'));
      await m.cancel('op-late', '2026-12-02T00:00:00.000Z', 'ops');
      const ids = (await m.listOverlapping('2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z')).map(
        (r) => r.id,
      );
      expect(ids).toEqual(['op-spanning', 'op-early', 'op-late']);
      // Control: a range that ends before a window starts does not list it.
      const before = await m.listOverlapping('2026-12-01T00:00:00.000Z', '2026-12-05T00:00:00.000Z');
      expect(before.map((r) => r.id)).toEqual(['op-spanning']);
    });

    it('cancels once: the first cancellation stays, a missing id is false; another instance sees it', async () => {
      const m = h.store.maintenance;
      await m.create(
        rec('schedule-2026-12', '2026-12-30T11:00:00.000Z', '2026-12-30T23:00:00.000Z', {
          source: 'schedule',
        }),
      );
      expect(await m.cancel('schedule-2026-12', '2026-12-02T00:00:00.000Z', 'alice')).toBe(true);
      expect(await m.cancel('schedule-2026-12', '2026-12-03T00:00:00.000Z', 'bob')).toBe(false);
      expect(await m.cancel('nope', '2026-12-03T00:00:00.000Z', 'bob')).toBe(false);
      const other = await h.second();
      others.push(other);
      expect(await other.maintenance.get('schedule-2026-12')).toMatchObject({
        source: 'schedule',
        cancelledAt: '2026-12-02T00:00:00.000Z',
        cancelledBy: 'alice',
      });
    });
  });
}
