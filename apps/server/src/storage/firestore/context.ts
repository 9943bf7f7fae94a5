import type {
  AggregateQuery,
  AggregateSpec,
  DocumentData,
  DocumentReference,
  DocumentSnapshot,
  Firestore,
  Query,
  QuerySnapshot,
  SetOptions,
  Transaction,
  UpdateData,
} from 'firebase-admin/firestore';

/**
 * One repository implementation, two ways to run: directly against the database, or inside a transaction
 * (`store.transaction(fn)` hands `fn` repositories built on a transactional context). Repositories do all
 * their reads and writes through `FsContext`, never through `db` or a `Transaction` directly, except bulk
 * work that is not transactional by design (purges: `ctx.db.batch()`, after `ctx.assertNotInTransaction`).
 *
 * Inside a transaction every read must come before every write (Firestore rejects a read after a write),
 * and writes are only buffered: they take effect, or fail (e.g. `create` of an existing document), when the
 * transaction commits.
 */
export interface FsContext {
  readonly db: Firestore;
  readonly inTransaction: boolean;
  get(ref: DocumentReference): Promise<DocumentSnapshot>;
  get(query: Query): Promise<QuerySnapshot>;
  /** Reads many documents, in chunks of at most 30; the snapshots come back in the order of `refs`. */
  getAll(refs: readonly DocumentReference[]): Promise<DocumentSnapshot[]>;
  /** `count()` of a query (an aggregation: billed per 1,000 index entries, not per document). */
  count(query: Query): Promise<number>;
  /** Fails (at once, or when the transaction commits) when the document exists: the reservation primitive. */
  create(ref: DocumentReference, data: DocumentData): Promise<void>;
  set(ref: DocumentReference, data: DocumentData, options?: SetOptions): Promise<void>;
  /** Fails when the document does not exist. */
  update(ref: DocumentReference, data: UpdateData<DocumentData>): Promise<void>;
  delete(ref: DocumentReference): Promise<void>;
  /**
   * Runs `fn` atomically: in the outer transaction when this context is transactional, else in a new
   * `db.runTransaction` (which may run `fn` several times on contention: no side effects in `fn`).
   */
  atomic<T>(fn: (ctx: FsContext) => Promise<T>): Promise<T>;
  /** Throws when called inside a transaction: for bulk work that must not be part of one. */
  assertNotInTransaction(what: string): void;
}

/** Firestore's limit for `in` / `array-contains-any` lists and the chunk size used for `getAll`. */
export const IN_LIMIT = 30;
/** Firestore's limit of writes in one batch or transaction commit. */
export const BATCH_LIMIT = 500;

/** Splits a list into chunks of at most `size` (e.g. `IN_LIMIT` for `in` queries). */
export function chunks<T>(items: readonly T[], size = IN_LIMIT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** gRPC status of a Firestore error: 6 ALREADY_EXISTS (create of an existing document), 5 NOT_FOUND (update). */
export function isAlreadyExists(err: unknown): boolean {
  return (err as { code?: unknown })?.code === 6;
}
export function isNotFound(err: unknown): boolean {
  return (err as { code?: unknown })?.code === 5;
}

type QueryObserver = (query: Query) => void;
const observers = new Set<QueryObserver>();

/**
 * Calls `fn` with every query a context runs, before it runs; a throwing `fn` fails the query (the test
 * harness fails queries whose composite index is not declared, as production Firestore does). Returns
 * the function that stops observing.
 */
export function observeQueries(fn: QueryObserver): () => void {
  observers.add(fn);
  return () => observers.delete(fn);
}

function observe(query: Query): void {
  for (const fn of observers) fn(query);
}

// Structural, so that this module loads no part of firebase-admin (test helpers import it in every worker).
const isRef = (x: DocumentReference | Query): x is DocumentReference =>
  typeof (x as Partial<Query>).where !== 'function';

/**
 * Attempts per transaction (the client's default is 5). Contention is expected on a few documents (a lease
 * at the purge hour, a busy conversation); more attempts, with the client's growing backoff, keep a burst
 * of contenders from failing with ABORTED.
 */
export const TRANSACTION_ATTEMPTS = 10;

/**
 * A transaction the database already ended (INVALID_ARGUMENT "Transaction is invalid or closed"): the
 * emulator ends one that waited too long for a lock held by a contender, and the client does not retry
 * that code. Nothing of it was committed, so the whole unit may run again.
 */
export function isClosedTransaction(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  return (
    e?.code === 3 && typeof e.message === 'string' && /transaction is invalid or closed/i.test(e.message)
  );
}

/** Whole-transaction runs after the database closed one under contention ({@link isClosedTransaction}). */
export const CLOSED_TRANSACTION_RUNS = 3;

/**
 * The first document `query` finds, for a query on fields that never change once written (an id, a token's
 * hash, an account's email). In a transaction the query runs outside it and only the document found is then
 * read, by reference, in it: a query read in a transaction locks what it scanned, and units of work running
 * at once — sixteen invitations accepted, forty-eight people signing up on two nodes — waited on each
 * other's locks until the emulator ended them ("ABORTED: Transaction lock timeout", a 500). Nothing is
 * lost by it: what the query finds cannot stop matching, and the document read in the transaction is locked.
 */
export async function firstOf(c: FsContext, query: Query): Promise<DocumentSnapshot | undefined> {
  if (!c.inTransaction) return (await c.get(query.limit(1))).docs[0];
  observe(query);
  const found = (await query.limit(1).get()).docs[0];
  if (!found) return undefined;
  const snap = await c.get(found.ref);
  return snap.exists ? snap : undefined;
}

/** Runs `fn` on a context bound to a transaction. */
export async function runInTransaction<T>(db: Firestore, fn: (ctx: FsContext) => Promise<T>): Promise<T> {
  for (let run = 1; ; run++) {
    try {
      return await db.runTransaction((tx) => fn(new TransactionContext(db, tx)), {
        maxAttempts: TRANSACTION_ATTEMPTS,
      });
    } catch (err) {
      if (run >= CLOSED_TRANSACTION_RUNS || !isClosedTransaction(err)) throw withCallerFrames(err);
    }
  }
}

/**
 * A database error (ABORTED after the last attempt, a refused commit) is made in the client's network
 * callbacks, so its stack names no line of ours. Its stack gets the frames of the code that awaited this
 * transaction (an error made here carries the awaiting functions), so a log says which unit failed. The
 * error itself — its code and message — stays the same object.
 */
function withCallerFrames(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const callers = new Error('transaction awaited at').stack?.split('\n').slice(2).join('\n');
  if (callers && err.stack && !err.stack.includes('transaction awaited at'))
    err.stack = `${err.stack}\n    --- transaction awaited at ---\n${callers}`;
  return err;
}

/** Reads and writes straight against the database; `atomic` opens a transaction. */
export class DirectContext implements FsContext {
  readonly inTransaction = false;
  constructor(readonly db: Firestore) {}

  get(ref: DocumentReference): Promise<DocumentSnapshot>;
  get(query: Query): Promise<QuerySnapshot>;
  async get(target: DocumentReference | Query): Promise<DocumentSnapshot | QuerySnapshot> {
    if (isRef(target)) return target.get();
    observe(target);
    return target.get();
  }

  async getAll(refs: readonly DocumentReference[]): Promise<DocumentSnapshot[]> {
    if (refs.length === 0) return [];
    const parts = await Promise.all(chunks(refs).map((part) => this.db.getAll(...part)));
    return parts.flat();
  }

  async count(query: Query): Promise<number> {
    observe(query);
    return (await query.count().get()).data().count;
  }

  async create(ref: DocumentReference, data: DocumentData): Promise<void> {
    await ref.create(data);
  }

  async set(ref: DocumentReference, data: DocumentData, options?: SetOptions): Promise<void> {
    await (options ? ref.set(data, options) : ref.set(data));
  }

  async update(ref: DocumentReference, data: UpdateData<DocumentData>): Promise<void> {
    await ref.update(data);
  }

  async delete(ref: DocumentReference): Promise<void> {
    await ref.delete();
  }

  atomic<T>(fn: (ctx: FsContext) => Promise<T>): Promise<T> {
    return runInTransaction(this.db, fn);
  }

  assertNotInTransaction(): void {}
}

/** Reads through the transaction (locking what it read) and buffers writes until it commits. */
export class TransactionContext implements FsContext {
  readonly inTransaction = true;
  constructor(
    readonly db: Firestore,
    readonly tx: Transaction,
  ) {}

  get(ref: DocumentReference): Promise<DocumentSnapshot>;
  get(query: Query): Promise<QuerySnapshot>;
  async get(target: DocumentReference | Query): Promise<DocumentSnapshot | QuerySnapshot> {
    if (isRef(target)) return this.tx.get(target);
    observe(target);
    return this.tx.get(target);
  }

  async getAll(refs: readonly DocumentReference[]): Promise<DocumentSnapshot[]> {
    if (refs.length === 0) return [];
    const parts: DocumentSnapshot[][] = [];
    for (const part of chunks(refs)) parts.push(await this.tx.getAll(...part));
    return parts.flat();
  }

  async count(query: Query): Promise<number> {
    observe(query);
    const agg = query.count() as AggregateQuery<AggregateSpec>;
    const snap = await this.tx.get(agg);
    return (snap.data() as { count: number }).count;
  }

  async create(ref: DocumentReference, data: DocumentData): Promise<void> {
    this.tx.create(ref, data);
  }

  async set(ref: DocumentReference, data: DocumentData, options?: SetOptions): Promise<void> {
    if (options) this.tx.set(ref, data, options);
    else this.tx.set(ref, data);
  }

  async update(ref: DocumentReference, data: UpdateData<DocumentData>): Promise<void> {
    this.tx.update(ref, data);
  }

  async delete(ref: DocumentReference): Promise<void> {
    this.tx.delete(ref);
  }

  atomic<T>(fn: (ctx: FsContext) => Promise<T>): Promise<T> {
    return fn(this);
  }

  assertNotInTransaction(what: string): void {
    throw new Error(`${what} is bulk work and cannot run inside store.transaction()`);
  }
}
