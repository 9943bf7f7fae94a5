import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../storage/sqlite/sqliteStore.js';
import { MaintenanceService } from './maintenanceService.js';

describe('maintenance service (R21)', () => {
  let store: SqliteStore;
  const now = new Date('2026-12-28T00:00:00.000Z'); // two days before the last Wednesday of December 2026
  beforeEach(async () => {
    store = new SqliteStore(':memory:');
    await store.migrate();
  });
  afterEach(() => store.close());

  const service = (rule?: null) =>
    new MaintenanceService({
      repo: store.maintenance,
      clock: () => now,
      bannerDays: 3,
      roomNoticeMinutes: 10,
      ...(rule === null ? { rule } : {}),
    });

  it('announces the monthly window by default; MAINTENANCE_SCHEDULE=off keeps only operators’ windows', async () => {
    expect((await service().banner()).map((w) => w.id)).toEqual(['schedule-2026-12']);
    const off = service(null);
    expect(await off.banner()).toEqual([]);
    const added = await off.add(
      { startsAt: '2026-12-29T13:00:00.000Z', endsAt: '2026-12-29T14:00:00.000Z', note: 'switch swap' },
      'alice',
    );
    expect((await off.banner()).map((w) => w.id)).toEqual([added.id]);
    // Without a schedule there is no scheduled window to cancel.
    await expect(off.cancel('schedule-2026-12', 'alice')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service().cancel('schedule-2026-12', 'alice')).resolves.toMatchObject({
      id: 'schedule-2026-12',
    });
    expect((await service().banner()).map((w) => w.id)).toEqual([added.id]);
  });
});
