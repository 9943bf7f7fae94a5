import type { Database, Statement } from 'better-sqlite3';
import { type ChainHead, EMPTY_HEAD, nextLink } from '../../audit/accessLogChain.js';
import type { AccessLogEvent, AccessLogQuery, AccessLogRepo, ChainedAccessLogEvent } from '../store.js';

interface AccessLogRow {
  id: string;
  workspace_id: string | null;
  user_id: string | null;
  type: string;
  at: string;
  ip: string | null;
  user_agent: string | null;
  detail: string;
  seq: number;
  prev_hash: string;
  hash: string;
}

/** A row of `list` as an array, in its SELECT order. */
type ListRow = [string, string | null, string | null, string, string, string | null, string | null, string];

const fromListRow = (r: ListRow): AccessLogEvent => ({
  id: r[0],
  workspaceId: r[1],
  userId: r[2],
  type: r[3],
  at: r[4],
  ip: r[5],
  userAgent: r[6],
  detail: JSON.parse(r[7]) as AccessLogEvent['detail'],
});

interface HeadRow {
  seq: number;
  hash: string;
  pruned_seq: number;
  pruned_hash: string;
}

const toEvent = (r: AccessLogRow): AccessLogEvent => ({
  id: r.id,
  workspaceId: r.workspace_id,
  userId: r.user_id,
  type: r.type,
  at: r.at,
  ip: r.ip,
  userAgent: r.user_agent,
  detail: JSON.parse(r.detail) as AccessLogEvent['detail'],
});

const toHead = (r: HeadRow | undefined): ChainHead =>
  r ? { seq: r.seq, hash: r.hash, prunedSeq: r.pruned_seq, prunedHash: r.pruned_hash } : EMPTY_HEAD;

/** Entries of no workspace chain under the key ''. */
const keyOf = (workspaceId: string | null) => workspaceId ?? '';

/**
 * `access_log` with its hash chain (migration 007). An append reads the head, inserts the entry and moves
 * the head in one `BEGIN IMMEDIATE` transaction (a savepoint inside an open one): other connections to the
 * file wait for it, and the unique (workspace, seq) index refuses a fork should anything slip past.
 */
export function sqliteAccessLog(db: Database): AccessLogRepo {
  // Prepared on first use: the store is built before `migrate()` creates the tables.
  const lazy = <T>(make: () => T) => {
    let value: T | undefined;
    return () => (value ??= make());
  };
  // One prepared statement per filter shape (at most 2^5), not one per page. Rows come back as arrays
  // (`raw`): better-sqlite3 building an object per row cost 40 % of an export's reading time.
  const listStatements = new Map<string, Statement<Record<string, unknown>, ListRow>>();
  const listStatement = (where: string) => {
    let st = listStatements.get(where);
    if (!st) {
      st = db
        .prepare<Record<string, unknown>, ListRow>(
          `SELECT id, workspace_id, user_id, type, at, ip, user_agent, detail FROM access_log
           WHERE ${where} ORDER BY at DESC, id DESC LIMIT @limit`,
        )
        .raw(true);
      listStatements.set(where, st);
    }
    return st;
  };
  const readHead = lazy(() =>
    db.prepare<[string], HeadRow>(
      'SELECT seq, hash, pruned_seq, pruned_hash FROM access_log_heads WHERE workspace_key = ?',
    ),
  );
  const insert = lazy(() =>
    db.prepare(
      `INSERT INTO access_log (id, workspace_id, user_id, type, at, ip, user_agent, detail, seq, prev_hash, hash)
     VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
    ),
  );
  const writeHead = lazy(() =>
    db.prepare(
      `INSERT INTO access_log_heads (workspace_key, seq, hash, pruned_seq, pruned_hash) VALUES (?,?,?,?,?)
     ON CONFLICT(workspace_key) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`,
    ),
  );
  const appendTx = db.transaction((e: AccessLogEvent) => {
    const key = keyOf(e.workspaceId);
    const { entry, head } = nextLink(toHead(readHead().get(key)), e);
    insert().run(
      e.id,
      e.workspaceId,
      e.userId,
      e.type,
      e.at,
      e.ip,
      e.userAgent,
      JSON.stringify(e.detail),
      entry.seq,
      entry.prevHash,
      entry.hash,
    );
    writeHead().run(key, head.seq, head.hash, head.prunedSeq, head.prunedHash);
  });
  const chainPage = lazy(() =>
    db.prepare<[string, number, number], AccessLogRow>(
      `SELECT * FROM access_log WHERE ifnull(workspace_id, '') = ? AND seq > ? ORDER BY ifnull(workspace_id, ''), seq
     LIMIT ?`,
    ),
  );
  const pruneTx = db.transaction((workspaceId: string | null, before: string, limit: number): number => {
    const key = keyOf(workspaceId);
    const head = toHead(readHead().get(key));
    const oldest = db
      .prepare<[string, number, number], { seq: number; hash: string; at: string }>(
        `SELECT seq, hash, at FROM access_log WHERE ifnull(workspace_id, '') = ? AND seq > ?
         ORDER BY ifnull(workspace_id, ''), seq LIMIT ?`,
      )
      .all(key, head.prunedSeq, limit);
    let n = 0;
    while (n < oldest.length && oldest[n]!.at < before) n++;
    if (n === 0) return 0;
    const last = oldest[n - 1]!;
    db.prepare(`DELETE FROM access_log WHERE ifnull(workspace_id, '') = ? AND seq <= ?`).run(key, last.seq);
    db.prepare('UPDATE access_log_heads SET pruned_seq = ?, pruned_hash = ? WHERE workspace_key = ?').run(
      last.seq,
      last.hash,
      key,
    );
    return n;
  });
  return {
    async append(e: AccessLogEvent) {
      appendTx.immediate(e);
    },
    async list(q: AccessLogQuery) {
      const where = ['workspace_id = @workspaceId'];
      if (q.userId) where.push('user_id = @userId');
      if (q.type) where.push('type = @type');
      if (q.from) where.push('at >= @from');
      if (q.to) where.push('at < @to');
      // A row value: the index range starts right after the cursor (an OR of two terms scanned more).
      if (q.after) where.push('(at, id) < (@afterAt, @afterId)');
      const { after, ...params } = q;
      return listStatement(where.join(' AND '))
        .all({ ...params, afterAt: after?.at, afterId: after?.id, limit: q.limit ?? 1000 })
        .map(fromListRow);
    },
    async chain(workspaceId, page): Promise<ChainedAccessLogEvent[]> {
      return chainPage()
        .all(keyOf(workspaceId), page.afterSeq, page.limit)
        .map((r) => ({ ...toEvent(r), seq: r.seq, prevHash: r.prev_hash, hash: r.hash }));
    },
    async chainHead(workspaceId) {
      return toHead(readHead().get(keyOf(workspaceId)));
    },
    async chains() {
      return db
        .prepare<[], { workspace_key: string }>(
          'SELECT workspace_key FROM access_log_heads ORDER BY workspace_key',
        )
        .all()
        .map((r) => (r.workspace_key === '' ? null : r.workspace_key));
    },
    async pruneBefore(workspaceId, before, limit) {
      return pruneTx.immediate(workspaceId, before, limit);
    },
  };
}
