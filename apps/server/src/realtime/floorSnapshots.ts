import type { FloorSnapshot } from '@tsudoi/protocol';

/** Where snapshots go: a frame to several of this node's sockets at once (socket.io encodes it once). */
export interface SnapshotSender {
  send(socketIds: readonly string[], snapshot: FloorSnapshot): void;
}

interface Waiting {
  socketIds: string[];
  done: Array<{ resolve(): void; reject(err: unknown): void }>;
}

/**
 * Floor snapshots for connecting sockets, made once for all the sockets of a workspace that ask in the same
 * turn of the event loop. A snapshot lists every member (450 KB at 3,000 people): made and encoded per socket,
 * the 9:00 arrival spent most of its CPU on them (docs/BENCHMARKS.md "Issue 14", session 10). The snapshot
 * is the same for every page of a workspace, so the sockets that finished their handshake together get one,
 * made after the last of them asked — never older than what they asked for — and sent as one frame encoded
 * once. Nothing waits for a timer: a batch is what the server's own load gathers (setImmediate), so a quiet
 * server answers a lone socket at once.
 */
export class FloorSnapshots {
  readonly #waiting = new Map<string, Waiting>();

  constructor(
    private readonly make: (workspaceId: string) => Promise<FloorSnapshot>,
    private readonly sender: SnapshotSender,
    private readonly later: (fn: () => void) => void = (fn) => setImmediate(fn),
  ) {}

  /** Resolves once the socket's snapshot was sent (rejects when it could not be made). */
  send(workspaceId: string, socketId: string): Promise<void> {
    const batch = this.#waiting.get(workspaceId) ?? this.#open(workspaceId);
    batch.socketIds.push(socketId);
    return new Promise((resolve, reject) => batch.done.push({ resolve, reject }));
  }

  /** A new batch for the workspace, made and sent once this turn of the event loop ends. */
  #open(workspaceId: string): Waiting {
    const batch: Waiting = { socketIds: [], done: [] };
    this.#waiting.set(workspaceId, batch);
    this.later(() => void this.#flush(workspaceId, batch));
    return batch;
  }

  async #flush(workspaceId: string, batch: Waiting): Promise<void> {
    this.#waiting.delete(workspaceId);
    try {
      this.sender.send(batch.socketIds, await this.make(workspaceId));
    } catch (err) {
      for (const d of batch.done) d.reject(err);
      return;
    }
    for (const d of batch.done) d.resolve();
  }
}
