import { z } from 'zod';

/** Entries per page of the admin viewer (`GET /api/workspaces/:id/access-log`). */
export const ACCESS_LOG_PAGE_SIZE = 50;
/** How far back the log is kept and downloadable (R14): 2 years. */
export const ACCESS_LOG_RETENTION_YEARS = 2;

/** Query of the viewer and the CSV download; times are UTC ISO-8601, `to` exclusive. */
export const AccessLogFilter = z.object({
  user: z.uuid().optional(),
  type: z
    .string()
    .regex(/^[a-z][a-z_.]{0,79}$/)
    .optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
});
export type AccessLogFilter = z.infer<typeof AccessLogFilter>;

/** The viewer's query: the filter plus the opaque keyset cursor of the page before (`next`). */
export const AccessLogPageQuery = AccessLogFilter.extend({
  after: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,400}$/)
    .optional(),
});
export type AccessLogPageQuery = z.infer<typeof AccessLogPageQuery>;

/** One access-log entry as admins see it. `at` is UTC; the viewer shows it in the viewer's zone. */
export interface AccessLogEntry {
  id: string;
  at: string;
  type: string;
  outcome: 'success' | 'failure';
  userId: string | null;
  /** The user's email when they still exist; null for removed users and anonymous attempts. */
  userEmail: string | null;
  ip: string | null;
  userAgent: string | null;
  detail: Record<string, string | number | boolean | null>;
}

/** `GET /api/workspaces/:id/access-log`: newest first; `next` continues after the last entry, null at the end. */
export interface AccessLogPage {
  entries: AccessLogEntry[];
  next: string | null;
}

/** `GET /api/workspaces/:id/access-log/verify`: the hash chain checked from the oldest kept entry. */
export type AccessLogVerifyReport =
  | { ok: true; entries: number; headSeq: number }
  | {
      ok: false;
      entries: number;
      break: {
        id: string | null;
        seq: number;
        reason: 'hashMismatch' | 'prevHashMismatch' | 'seqGap' | 'headMismatch';
      };
    };
