import {
  ACCESS_LOG_PAGE_SIZE,
  ACCESS_LOG_RETENTION_YEARS,
  type AccessLogEntry,
  type AccessLogFilter,
  type AccessLogPage,
  type AccessLogVerifyReport,
} from '@tsudoi/protocol';
import type { UserRepo } from '../auth/accountStore.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import { PLAN_FEATURES } from '../workspaces/planPolicy.js';
import type { Workspace } from '../workspaces/workspaceRepo.js';
import { verifyWorkspaceChain } from './accessLogChain.js';
import { accessLogPages } from './accessLogExport.js';
import type { AccessLogEvent, AccessLogQuery, AccessLogRepo } from './accessLogRepo.js';
import { clampFrom, decodeCursor, encodeCursor, retentionStart, toEntry } from './accessLogView.js';

export interface AccessLogServiceDeps {
  accessLog: AccessLogRepo;
  users: Pick<UserRepo, 'getById'>;
  clock: Clock;
}

/** Ids resolved per export: enough for every member of the largest plan, bounded all the same. */
const EMAIL_CACHE_MAX = 10_000;

/** Throws PLAN_REQUIRED unless the workspace may use access logs (R14: Enterprise). */
export function requireAccessLogs(ws: Workspace): void {
  if (!PLAN_FEATURES[ws.plan].accessLogs) {
    throw new AppError('PLAN_REQUIRED', 'Access logs need the Enterprise plan.');
  }
}

/**
 * The admin's access log (R14): filtered keyset pages, the CSV export's entries and the chain check. The
 * caller has passed the access decision as an admin of `ws` (the route's gate) and hands the workspace in;
 * every read is scoped to its id.
 */
export class AccessLogService {
  constructor(private readonly d: AccessLogServiceDeps) {}

  async page(ws: Workspace, filter: AccessLogFilter, after?: string): Promise<AccessLogPage> {
    requireAccessLogs(ws);
    const cursor = after === undefined ? undefined : decodeCursor(after);
    if (after !== undefined && !cursor)
      throw AppError.badRequest('The request is not valid.', { after: 'not valid' });
    const events = await this.d.accessLog.list({
      ...this.#query(ws.id, filter),
      limit: ACCESS_LOG_PAGE_SIZE,
      ...(cursor ? { after: cursor } : {}),
    });
    const entries = await this.#entries(events, new Map());
    const last = events[events.length - 1];
    return { entries, next: last && events.length === ACCESS_LOG_PAGE_SIZE ? encodeCursor(last) : null };
  }

  /** Every entry of the last 2 years matching `filter`, newest first, a page at a time. */
  async *export(ws: Workspace, filter: AccessLogFilter): AsyncGenerator<AccessLogEntry[]> {
    requireAccessLogs(ws);
    const windowStart = retentionStart(this.d.clock(), ACCESS_LOG_RETENTION_YEARS);
    const query = { ...this.#query(ws.id, filter), from: clampFrom(filter.from, windowStart) };
    const emails = new Map<string, string | null>();
    for await (const events of accessLogPages(this.d.accessLog, query)) {
      if (emails.size > EMAIL_CACHE_MAX) emails.clear();
      yield await this.#entries(events, emails);
    }
  }

  async verify(ws: Workspace): Promise<AccessLogVerifyReport> {
    requireAccessLogs(ws);
    return verifyWorkspaceChain(this.d.accessLog, ws.id);
  }

  #query(workspaceId: string, f: AccessLogFilter): Omit<AccessLogQuery, 'after' | 'limit'> {
    return {
      workspaceId,
      ...(f.user ? { userId: f.user } : {}),
      ...(f.type ? { type: f.type } : {}),
      ...(f.from ? { from: f.from } : {}),
      ...(f.to ? { to: f.to } : {}),
    };
  }

  async #entries(events: AccessLogEvent[], emails: Map<string, string | null>): Promise<AccessLogEntry[]> {
    const missing = [...new Set(events.map((e) => e.userId))].filter(
      (id): id is string => id !== null && !emails.has(id),
    );
    const users = await Promise.all(missing.map((id) => this.d.users.getById(id)));
    for (const [i, id] of missing.entries()) emails.set(id, users[i]?.email ?? null);
    return events.map((e) => toEntry(e, emails));
  }
}
