/** One access-log event (R14): sign-ins, failures, room enter/leave, admin actions. Times are UTC ISO. */
export interface AccessLogEvent {
  id: string;
  /** Null for events not tied to a workspace (e.g. a failed sign-in of an unknown email). */
  workspaceId: string | null;
  userId: string | null;
  type: string;
  at: string;
  ip: string | null;
  userAgent: string | null;
  /** Small, content-free details (never passwords, codes or message text). */
  detail: Record<string, string | number | boolean | null>;
}

export interface AccessLogQuery {
  workspaceId: string;
  userId?: string;
  type?: string;
  from?: string;
  to?: string;
  limit?: number;
  /**
   * Keyset cursor: only events strictly older than this one in the (at, id) order, i.e. the page after the
   * last event of the previous page. An export streams a large log page by page with it.
   */
  after?: { at: string; id: string };
}

export interface AccessLogRepo {
  append(event: AccessLogEvent): Promise<void>;
  /** Newest first, always scoped to one workspace. */
  list(query: AccessLogQuery): Promise<AccessLogEvent[]>;
}
