import { z } from 'zod';

/**
 * Planned maintenance windows (R21): by default monthly, the last Wednesday 20:00 to Thursday 08:00
 * Japan time; operators add and cancel windows. Instants are ISO 8601 UTC; clients show local time.
 */
export const MaintenanceWindow = z.object({
  id: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  /** `schedule`: the default monthly window; `operator`: added by an operator. */
  source: z.enum(['schedule', 'operator']),
  /** Operator's note shown to users, if any. */
  note: z.string().max(500).optional(),
});
export type MaintenanceWindow = z.infer<typeof MaintenanceWindow>;

/** GET /api/maintenance: windows users should be told about now (banner), soonest first. */
export const MaintenanceNotices = z.object({ windows: z.array(MaintenanceWindow) });
export type MaintenanceNotices = z.infer<typeof MaintenanceNotices>;

/** POST /api/ops/maintenance (operator): adds a window. */
export const AddMaintenanceWindow = z.object({
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.iso.datetime({ offset: true }),
  note: z.string().trim().max(500).optional(),
});
export type AddMaintenanceWindow = z.infer<typeof AddMaintenanceWindow>;

/** Sent to every open workspace socket shortly before a window starts (MAINTENANCE_ROOM_NOTICE_MINUTES). */
export interface MaintenanceServerToClientEvents {
  'maintenance:soon': (notice: { window: MaintenanceWindow; minutesLeft: number }) => void;
}
