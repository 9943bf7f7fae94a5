import type { DocumentData } from 'firebase-admin/firestore';
import type { MaintenanceRecord, MaintenanceRepo } from '../../ops/maintenanceRepo.js';
import { type FsContext, isAlreadyExists } from './context.js';

const toRecord = (d: DocumentData): MaintenanceRecord => ({
  id: d.id,
  startsAt: d.startsAt,
  endsAt: d.endsAt,
  source: d.source,
  note: d.note ?? null,
  createdAt: d.createdAt,
  createdBy: d.createdBy,
  cancelledAt: d.cancelledAt ?? null,
  cancelledBy: d.cancelledBy ?? null,
});

/**
 * Maintenance windows as top-level `maintenanceWindows/{id}` (service-wide, not tenant data). The range
 * query filters on `endsAt` only (a single-field index) and checks `startsAt` in memory: the list is small.
 */
export function firestoreMaintenance(ctx: FsContext): MaintenanceRepo {
  const col = () => ctx.db.collection('maintenanceWindows');
  return {
    async create(r) {
      try {
        await ctx.create(col().doc(r.id), { ...r });
        return true;
      } catch (err) {
        if (isAlreadyExists(err)) return false;
        throw err;
      }
    },
    cancel(id, at, by) {
      return ctx.atomic(async (c) => {
        const ref = c.db.collection('maintenanceWindows').doc(id);
        const snap = await c.get(ref);
        if (!snap.exists || snap.data()?.cancelledAt) return false;
        await c.update(ref, { cancelledAt: at, cancelledBy: by });
        return true;
      });
    },
    async get(id) {
      const snap = await ctx.get(col().doc(id));
      return snap.exists ? toRecord(snap.data() as DocumentData) : undefined;
    },
    async listOverlapping(from, to) {
      const snap = await ctx.get(col().where('endsAt', '>', from));
      return snap.docs
        .map((d) => toRecord(d.data()))
        .filter((r) => r.startsAt < to)
        .sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.id.localeCompare(b.id));
    },
  };
}
