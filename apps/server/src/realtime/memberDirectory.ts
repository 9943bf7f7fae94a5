import type { PersonRef } from '@tsudoi/protocol';
import type { MembershipRepo } from '../auth/accountStore.js';
import { systemTimers, type TimerHandle, type Timers } from '../timers.js';

/**
 * How long a workspace's member list, once read, serves the floor snapshots of sockets that connect after
 * it. At the 9 a.m. arrival a thousand sockets connect within seconds, and reading and opening (R19) the
 * whole list for each was half of the server's CPU (docs/BENCHMARKS.md "Issue 14"); kept this long, it is
 * read a few times instead. What a snapshot may miss meanwhile is bounded and heals: a member who joined
 * shows up with their first presence push (pages add people they did not know), and memberships that end
 * or start on this node clear the list at once ({@link MemberDirectory.forget}).
 */
export const MEMBER_LIST_TTL_MS = 2_000;

interface Entry {
  list: Promise<PersonRef[]>;
  /** Ends the entry `ttlMs` after its read settled; unset while the read is in flight. */
  expiry?: TimerHandle;
}

/**
 * The active members of each workspace, as floor snapshots list them: one read shared by the sockets that
 * connect while it is in flight, then kept for `ttlMs` (a timer ends it, so a workspace nobody opens holds
 * nothing). A failed read is not kept.
 */
export class MemberDirectory {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly memberships: Pick<MembershipRepo, 'listByWorkspace'>,
    private readonly ttlMs = MEMBER_LIST_TTL_MS,
    private readonly timers: Timers = systemTimers,
  ) {}

  list(workspaceId: string): Promise<PersonRef[]> {
    const kept = this.#entries.get(workspaceId);
    if (kept) return kept.list;
    const entry: Entry = { list: this.#read(workspaceId) };
    this.#entries.set(workspaceId, entry);
    const end = () => {
      if (this.#entries.get(workspaceId) === entry) this.#entries.delete(workspaceId);
    };
    entry.list.then(() => {
      if (this.#entries.get(workspaceId) === entry) entry.expiry = this.timers.setTimeout(end, this.ttlMs);
    }, end);
    return entry.list;
  }

  /** The workspace's members changed: the next snapshot reads them again. */
  forget(workspaceId: string): void {
    const entry = this.#entries.get(workspaceId);
    if (entry?.expiry !== undefined) this.timers.clearTimeout(entry.expiry);
    this.#entries.delete(workspaceId);
  }

  /** Ends every kept list (the gateway closes). */
  close(): void {
    for (const id of [...this.#entries.keys()]) this.forget(id);
  }

  async #read(workspaceId: string): Promise<PersonRef[]> {
    return (await this.memberships.listByWorkspace(workspaceId))
      .filter((m) => m.status === 'active')
      .map((m) => ({ userId: m.userId, displayName: m.displayName }));
  }
}
