import type { AccessLogEvent, AccessLogQuery, AccessLogRepo } from './accessLogRepo.js';

/** Events per read when exporting: one Firestore query or one SQLite statement each (≈ 0.5 MB of rows). */
export const EXPORT_PAGE_SIZE = 2000;

/**
 * Every event matching `query`, newest first, read page by page with the (at, id) keyset cursor: memory
 * holds one page however large the log, each read starts where the previous one ended (no offset to skip,
 * so the cost per page stays flat), and events appended while the export runs neither shift nor repeat rows.
 */
export async function* accessLogPages(
  repo: Pick<AccessLogRepo, 'list'>,
  query: Omit<AccessLogQuery, 'after' | 'limit'>,
  pageSize = EXPORT_PAGE_SIZE,
): AsyncGenerator<AccessLogEvent[]> {
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new TypeError(`invalid page size: ${pageSize}`);
  let after: AccessLogQuery['after'];
  for (;;) {
    const page = await repo.list({ ...query, limit: pageSize, ...(after ? { after } : {}) });
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    const last = page[page.length - 1]!;
    after = { at: last.at, id: last.id };
  }
}
