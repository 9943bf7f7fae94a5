import type { Database } from 'better-sqlite3';
import type { Repos } from '../store.js';

/** The rejection when `fn` awaited something other than the store (see {@link SqliteUnitOfWork}). */
export const TX_AWAITED_OUTSIDE_STORE = 'TX_AWAITED_OUTSIDE_STORE';

type AnyFn = (...args: unknown[]) => unknown;

/**
 * A copy of `repos` (one level of nesting, for `accounts`) whose every method goes through `wrap`.
 * Repository methods are plain functions over the one connection, so a wrapper sees every statement a
 * caller can make.
 */
function wrapRepos(repos: Repos, wrap: (method: AnyFn, self: object) => AnyFn): Repos {
  const wrapObject = (obj: object): object => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(obj)) {
      if (typeof value === 'function') out[key] = wrap(value as AnyFn, obj);
      else if (value && typeof value === 'object') out[key] = wrapObject(value);
      else out[key] = value;
    }
    return out;
  };
  return wrapObject(repos) as Repos;
}

/**
 * `transaction(fn)` for the SQLite engine (STORE-DESIGN "Unit of work semantics").
 *
 * SQLite here is one connection shared by every request, and every repository method runs its statements
 * synchronously (the returned promise is already settled), so the engine can keep a transaction within one
 * macrotask: `BEGIN IMMEDIATE`, `fn(tx)` and `COMMIT` run back to back while only microtasks interleave.
 * Two things keep other requests out of the open transaction:
 * - the store's own repositories (`gated`) defer any call made while a transaction is open until it ended,
 *   so a request whose microtasks happen to run between `fn`'s awaits cannot slip a statement into it (and
 *   lose it to a rollback);
 * - if `fn` is still pending when the macrotask ends (it awaited a timer, I/O, hashing …), the transaction is
 *   rolled back and `transaction` rejects with `Error('TX_AWAITED_OUTSIDE_STORE')`; the `tx` handed to that
 *   `fn` is dead from then on (its calls reject the same way), so its later writes cannot land outside it.
 * Transactions are serialized. Methods that are atomic on their own use better-sqlite3's `db.transaction`,
 * which becomes a savepoint inside the open transaction: they join it.
 */
export class SqliteUnitOfWork {
  /** What services and other requests use: waits while a transaction is open. */
  readonly gated: Repos;
  readonly #db: Database;
  readonly #raw: Repos;
  /** Settles when the open transaction ended; undefined when none is open. */
  #open: Promise<void> | undefined;
  /** The last queued transaction; the next one starts after it. */
  #tail: Promise<unknown> = Promise.resolve();

  constructor(db: Database, raw: Repos) {
    this.#db = db;
    this.#raw = raw;
    this.gated = wrapRepos(raw, (method, self) => {
      const call = (args: unknown[]): unknown =>
        this.#open ? this.#open.then(() => call(args)) : method.apply(self, args);
      return (...args: unknown[]) => call(args);
    });
  }

  /** True while a transaction is open (other work on the connection waits, see {@link whenIdle}). */
  get busy(): boolean {
    return this.#open !== undefined;
  }

  /** Resolves once no transaction is open; for engine code that uses the connection directly. */
  async whenIdle(): Promise<void> {
    while (this.#open) await this.#open;
  }

  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T> {
    const run = this.#tail.then(() => this.#run(fn));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  #run<T>(fn: (tx: Repos) => Promise<T>): Promise<T> {
    const db = this.#db;
    db.exec('BEGIN IMMEDIATE');
    let live = true;
    let ended!: () => void;
    this.#open = new Promise<void>((resolve) => {
      ended = resolve;
    });
    const tx = wrapRepos(this.#raw, (method, self) => (...args: unknown[]) => {
      if (!live) return Promise.reject(new Error(TX_AWAITED_OUTSIDE_STORE));
      return method.apply(self, args);
    });

    return new Promise<T>((resolve, reject) => {
      let guard: NodeJS.Immediate | undefined;
      const finish = (outcome: { ok: true; value: T } | { ok: false; error: unknown }) => {
        if (!live) return;
        live = false;
        if (guard) clearImmediate(guard);
        let result = outcome;
        try {
          if (result.ok) db.exec('COMMIT');
          else if (db.inTransaction) db.exec('ROLLBACK');
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          if (result.ok) result = { ok: false, error };
        } finally {
          this.#open = undefined;
          ended();
        }
        if (result.ok) resolve(result.value);
        else reject(result.error);
      };
      // Microtasks all run before any immediate: if `fn` has not settled by then, it awaited something
      // outside the store and the connection must not stay inside its transaction.
      guard = setImmediate(() => finish({ ok: false, error: new Error(TX_AWAITED_OUTSIDE_STORE) }));
      let pending: Promise<T>;
      try {
        pending = Promise.resolve(fn(tx));
      } catch (error) {
        finish({ ok: false, error });
        return;
      }
      pending.then(
        (value) => finish({ ok: true, value }),
        (error) => finish({ ok: false, error }),
      );
    });
  }
}
