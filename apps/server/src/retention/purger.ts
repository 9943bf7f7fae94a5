import { randomUUID } from 'node:crypto';
import type { AccessLogRepo } from '../audit/accessLogRepo.js';
import type { BlobStore } from '../chat/blobStore.js';
import type { MessageRepo, PurgeTarget } from '../chat/messageRepo.js';
import { BlobDrain } from './blobDrain.js';
import { type ConversationKind, decideRetention, RETENTION_MS } from './policy.js';

/** pino-compatible subset (fastify's `app.log` fits). */
export interface RetentionLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What a client showing this conversation must drop: everything, or messages sent up to `upTo`. */
export interface PurgedConversation {
  workspaceId: string;
  conversationId: string;
  /** Absent: all messages went (room emptied). */
  upTo?: string;
}

export interface PurgeCounts {
  conversations: number;
  messages: number;
  attachments: number;
}

export interface PurgerDeps {
  messages: MessageRepo;
  accessLog: AccessLogRepo;
  blobs: BlobStore;
  log: RetentionLogger;
  /**
   * Makes what was deleted unreadable from the store's files (R8; `Store.flushDeletions`). Runs after
   * every purge that deleted something, before the purge resolves.
   */
  flushDeletions?: () => Promise<void>;
  /** Told about each purged conversation, so the chat gateway can make clients drop the messages live. */
  onPurged?: (purged: PurgedConversation) => void;
  /** Conversations per candidate page. */
  pageSize?: number;
  /**
   * Messages per delete step (one transaction, over as many due conversations as fit): bounds how long
   * one step holds the event loop.
   */
  messageBatch?: number;
  /** Attachment blobs removed at once, in the background while rows are deleted. */
  blobConcurrency?: number;
  /** Called between pages; resolves false when the run must stop (e.g. the lease was lost). */
  checkpoint?: () => Promise<boolean>;
}

export type PurgeReason = 'schedule' | 'room-empty';

const KINDS: readonly ConversationKind[] = ['room', 'workspace'];

/** Lets timers, sockets and HTTP run between two delete steps. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Deletes messages in short steps. It decides nothing about time itself: the pure policy does, with the
 * workspace's time zone as it is when the purge runs.
 */
export class Purger {
  readonly #d: Required<Omit<PurgerDeps, 'onPurged'>> & Pick<PurgerDeps, 'onPurged'>;

  constructor(deps: PurgerDeps) {
    this.#d = {
      pageSize: 200,
      messageBatch: 1000,
      blobConcurrency: 8,
      checkpoint: async () => true,
      flushDeletions: async () => {},
      ...deps,
    };
  }

  /** Purges every conversation of one workspace whose retention has run out at `now`; records the counts. */
  async purgeWorkspace(
    workspaceId: string,
    timeZone: string,
    now: Date,
  ): Promise<PurgeCounts & { stopped: boolean }> {
    const counts: PurgeCounts = { conversations: 0, messages: 0, attachments: 0 };
    let stopped = false;
    // Blobs go in the background while rows are deleted; the purge resolves once they are gone too.
    const drain = this.#blobDrain();
    try {
      outer: for (const kind of KINDS) {
        // The store cannot evaluate time zones: take everything old enough (last ≤ now − retention) and
        // let the policy decide; +1 ms turns the store's strict "<" into "≤".
        const lastMessageBefore = new Date(now.getTime() - RETENTION_MS[kind] + 1).toISOString();
        let after: string | undefined;
        for (;;) {
          const page = await this.#d.messages.findPurgeCandidates({
            workspaceId,
            kind,
            lastMessageBefore,
            limit: this.#d.pageSize,
            ...(after !== undefined ? { afterConversationId: after } : {}),
          });
          // Only what was there when the policy decided: a message arriving meanwhile restarts the clock.
          const due = page
            .filter(
              (c) => decideRetention(kind, new Date(c.lastMessageAt), now, timeZone).action === 'delete',
            )
            .map((c) => ({ conversationId: c.conversationId, sentAtOrBefore: c.lastMessageAt }));
          await this.#purge(workspaceId, due, drain, counts, (t) =>
            this.#notify({ workspaceId, conversationId: t.conversationId, upTo: t.sentAtOrBefore }),
          );
          if (page.length < this.#d.pageSize) break;
          after = page[page.length - 1]?.conversationId;
          if (!(await this.#d.checkpoint())) {
            stopped = true;
            break outer;
          }
        }
      }
    } finally {
      await drain.drained();
    }
    // Once per workspace, also when stopped midway: what was deleted must not stay on disk.
    if (counts.messages > 0) await this.#flush(workspaceId);
    if (counts.conversations > 0) await this.#record(workspaceId, counts, 'schedule', now);
    return { ...counts, stopped };
  }

  /** Deletes all messages of one conversation now (R6: the room became empty). */
  async purgeConversation(workspaceId: string, conversationId: string, now: Date, reason: PurgeReason) {
    const counts: PurgeCounts = { conversations: 0, messages: 0, attachments: 0 };
    const drain = this.#blobDrain();
    try {
      await this.#purge(workspaceId, [{ conversationId }], drain, counts);
    } finally {
      await drain.drained();
    }
    if (counts.messages > 0) {
      await this.#flush(workspaceId);
      // After the flush, so "purged" means gone from disk too.
      this.#notify({ workspaceId, conversationId });
      await this.#record(workspaceId, counts, reason, now);
    }
    return counts;
  }

  /** Removes blobs whose rows are gone but whose files a crash may have left behind. */
  async drainPendingBlobs(): Promise<number> {
    let total = 0;
    for (;;) {
      const pending = await this.#d.messages.pendingBlobDeletes(500);
      if (pending.length === 0) return total;
      const drain = this.#blobDrain();
      drain.push(pending.map((p) => p.blobKey));
      const { confirmed } = await drain.drained();
      total += confirmed;
      // Nothing of this page could be removed: the next run tries again rather than spinning here.
      if (confirmed === 0) return total;
      await yieldToEventLoop();
    }
  }

  /**
   * Deletes the targets' messages in bounded steps, several conversations per step, yielding between
   * steps. Adds to `counts`; calls `onDone` for each target that had messages, once it has none left.
   */
  async #purge(
    workspaceId: string,
    targets: PurgeTarget[],
    drain: BlobDrain,
    counts: PurgeCounts,
    onDone?: (target: PurgeTarget) => void,
  ) {
    let rest = targets;
    // Messages deleted so far from the target at the head of `rest` (a step may end inside it).
    let headMessages = 0;
    while (rest.length > 0) {
      const step = await this.#d.messages.purgeStep(workspaceId, rest, this.#d.messageBatch);
      drain.push(step.blobKeys);
      let finished = 0;
      let deleted = 0;
      for (const c of step.conversations) {
        counts.messages += c.messages;
        counts.attachments += c.attachments;
        deleted += c.messages;
        headMessages += c.messages;
        if (!c.done) break;
        const target = rest[finished++] as PurgeTarget;
        if (headMessages > 0) {
          counts.conversations++;
          onDone?.(target);
        }
        headMessages = 0;
      }
      // A store must finish a target or delete something in every step; anything else would spin forever.
      if (finished === 0 && deleted === 0) throw new Error('retention: purge step made no progress');
      rest = rest.slice(finished);
      await yieldToEventLoop();
    }
  }

  #blobDrain() {
    return new BlobDrain({
      blobs: this.#d.blobs,
      confirm: (keys) => this.#d.messages.confirmBlobDeletes(keys),
      log: this.#d.log,
      concurrency: this.#d.blobConcurrency,
      confirmBatch: 500,
    });
  }

  async #flush(workspaceId: string) {
    try {
      await this.#d.flushDeletions();
    } catch (err) {
      // The rows are gone; the bytes go at the next purge's flush (or when the store closes).
      this.#d.log.error({ err, workspaceId }, 'retention: could not flush deleted data to disk');
    }
  }

  #notify(purged: PurgedConversation) {
    try {
      this.#d.onPurged?.(purged);
    } catch (err) {
      // A throwing listener must not stop the purge halfway.
      this.#d.log.error({ err, ...purged }, 'retention: onPurged listener threw');
    }
  }

  // Counts only, never content (R8): operators see that and how much was deleted, not what.
  async #record(workspaceId: string, counts: PurgeCounts, reason: PurgeReason, now: Date) {
    const detail = { conversations: counts.conversations, messages: counts.messages, reason };
    this.#d.log.info({ workspaceId, ...detail, attachments: counts.attachments }, 'retention: purged');
    await this.#d.accessLog.append({
      id: randomUUID(),
      workspaceId,
      userId: null,
      type: 'retention.purge',
      at: now.toISOString(),
      ip: null,
      userAgent: null,
      detail,
    });
  }
}
