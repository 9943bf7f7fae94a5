import { createHash } from 'node:crypto';
import type { AccessLogEvent, AccessLogRepo } from './accessLogRepo.js';

/** The `prevHash` of a workspace's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** An entry as stored: its place in its workspace's chain and the hashes that bind it there. */
export interface ChainedAccessLogEvent extends AccessLogEvent {
  /** 1, 2, 3 … per workspace, in append order. */
  seq: number;
  prevHash: string;
  hash: string;
}

/**
 * Where a workspace's chain stands: the newest entry (`seq` 0 and the genesis hash when empty) and the
 * newest entry removed by retention (`prunedSeq` 0 when none), whose hash the oldest kept entry must name.
 */
export interface ChainHead {
  seq: number;
  hash: string;
  prunedSeq: number;
  prunedHash: string;
}

export const EMPTY_HEAD: ChainHead = { seq: 0, hash: GENESIS_HASH, prunedSeq: 0, prunedHash: GENESIS_HASH };

const sortKeys = (detail: AccessLogEvent['detail']): Array<[string, unknown]> =>
  Object.keys(detail)
    .sort()
    .map((k) => [k, detail[k]]);

/**
 * The canonical serialisation an entry's hash covers: a JSON array with a version tag and every field in
 * a fixed order (detail keys sorted), so the same entry hashes the same on every engine and after a
 * round trip through storage.
 */
export function canonicalEntry(e: AccessLogEvent & { seq: number }): string {
  return JSON.stringify([
    'tsudoi.accessLog.v1',
    e.workspaceId,
    e.seq,
    e.id,
    e.at,
    e.type,
    e.userId,
    e.ip,
    e.userAgent,
    sortKeys(e.detail),
  ]);
}

/** sha256 over the previous entry's hash and this entry's canonical form, hex. */
export function chainHash(prevHash: string, e: AccessLogEvent & { seq: number }): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalEntry(e)).digest('hex');
}

/** The entry that follows `head`: what an engine stores, and the head it moves to. */
export function nextLink(
  head: ChainHead,
  e: AccessLogEvent,
): { entry: ChainedAccessLogEvent; head: ChainHead } {
  const seq = head.seq + 1;
  const hash = chainHash(head.hash, { ...e, seq });
  return { entry: { ...e, seq, prevHash: head.hash, hash }, head: { ...head, seq, hash } };
}

export type ChainBreakReason =
  /** The entry's content no longer matches its hash (an edited row). */
  | 'hashMismatch'
  /** The entry does not name the previous entry's hash (an entry removed, inserted or replaced). */
  | 'prevHashMismatch'
  /** A sequence number is missing or repeated. */
  | 'seqGap'
  /** The newest entry is not the head recorded at the last append (entries cut off the end). */
  | 'headMismatch';

export type ChainReport =
  | { ok: true; entries: number; headSeq: number }
  | {
      ok: false;
      entries: number;
      /** The first entry that does not fit (null for a missing tail: see `seq`). */
      break: { id: string | null; seq: number; reason: ChainBreakReason };
    };

/**
 * Walks a workspace's entries oldest first and reports the first break. Pure over its input: the caller
 * reads the entries page by page (`AccessLogRepo.chain`) and the head.
 */
export async function verifyChain(
  head: ChainHead,
  entries: AsyncIterable<ChainedAccessLogEvent[]>,
): Promise<ChainReport> {
  let expectSeq = head.prunedSeq + 1;
  let prev = head.prunedHash;
  let count = 0;
  walk: for await (const page of entries) {
    for (const e of page) {
      // Appended after the head was read: not part of what is being verified.
      if (e.seq > head.seq) break walk;
      const fail = (reason: ChainBreakReason): ChainReport => ({
        ok: false,
        entries: count,
        break: { id: e.id, seq: e.seq, reason },
      });
      if (e.seq !== expectSeq) return fail('seqGap');
      if (e.prevHash !== prev) return fail('prevHashMismatch');
      if (chainHash(e.prevHash, e) !== e.hash) return fail('hashMismatch');
      prev = e.hash;
      expectSeq++;
      count++;
    }
  }
  if (expectSeq - 1 !== head.seq || prev !== head.hash) {
    return { ok: false, entries: count, break: { id: null, seq: expectSeq, reason: 'headMismatch' } };
  }
  return { ok: true, entries: count, headSeq: head.seq };
}

/** Every entry of a workspace's chain, oldest first, one bounded page at a time. */
export async function* chainPages(
  repo: Pick<AccessLogRepo, 'chain'>,
  workspaceId: string | null,
  pageSize = 1000,
): AsyncGenerator<ChainedAccessLogEvent[]> {
  let afterSeq = 0;
  for (;;) {
    const page = await repo.chain(workspaceId, { afterSeq, limit: pageSize });
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    afterSeq = page[page.length - 1]!.seq;
  }
}

/** Verifies one workspace's chain as stored. */
export async function verifyWorkspaceChain(
  repo: Pick<AccessLogRepo, 'chain' | 'chainHead'>,
  workspaceId: string | null,
): Promise<ChainReport> {
  const head = await repo.chainHead(workspaceId);
  return verifyChain(head, chainPages(repo, workspaceId));
}
