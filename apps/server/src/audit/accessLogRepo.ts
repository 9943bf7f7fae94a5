import type { ChainedAccessLogEvent, ChainHead } from './accessLogChain.js';

export type { ChainedAccessLogEvent, ChainHead } from './accessLogChain.js';

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
  /**
   * Appends to the end of the workspace's hash chain (`accessLogChain.ts` `nextLink`): reading the head,
   * writing the entry and moving the head are one atomic step, so concurrent appends (other requests, other
   * instances) never fork the chain. Atomic on its own: joins an open `transaction`.
   */
  append(event: AccessLogEvent): Promise<void>;
  /** Newest first, always scoped to one workspace. */
  list(query: AccessLogQuery): Promise<AccessLogEvent[]>;
  /** The workspace's entries with `seq > afterSeq`, oldest first (in chain order), at most `limit`. */
  chain(
    workspaceId: string | null,
    page: { afterSeq: number; limit: number },
  ): Promise<ChainedAccessLogEvent[]>;
  /** Where the workspace's chain stands (`EMPTY_HEAD` when it has no entries). */
  chainHead(workspaceId: string | null): Promise<ChainHead>;
  /** Every workspace that has a chain (null: the entries of no workspace); for the retention job. */
  chains(): Promise<Array<string | null>>;
  /**
   * Retention (R14): removes the chain's oldest entries while they are older than `before`, at most
   * `limit`, stopping at the first newer one so what remains is one contiguous chain; the head records the
   * last removed entry (`prunedSeq`/`prunedHash`) for verification. Atomic per call; returns how many went.
   */
  pruneBefore(workspaceId: string | null, before: string, limit: number): Promise<number>;
}
