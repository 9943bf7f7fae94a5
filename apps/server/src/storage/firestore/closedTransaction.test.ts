import type { Firestore } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import { CLOSED_TRANSACTION_RUNS, runInTransaction } from './context.js';

// The emulator ends a transaction that waited too long on a contender's lock with INVALID_ARGUMENT
// "Transaction is invalid or closed", which the client does not retry (seen in CI on the invitations race).
const closed = Object.assign(new Error('3 INVALID_ARGUMENT: Transaction is invalid or closed.'), { code: 3 });

/** A database whose transactions fail with `failures` in turn, then run the unit. */
function flakyDb(failures: unknown[]) {
  let runs = 0;
  const db = {
    runTransaction: async (fn: (tx: unknown) => Promise<unknown>) => {
      runs++;
      const failure = failures.shift();
      if (failure) throw failure;
      return fn({});
    },
  };
  return { db: db as unknown as Firestore, runs: () => runs };
}

describe('runInTransaction', () => {
  it('runs the whole unit again when the database closed its transaction under contention', async () => {
    const f = flakyDb([closed, closed]);
    await expect(runInTransaction(f.db, async () => 'done')).resolves.toBe('done');
    expect(f.runs()).toBe(3);
  });

  it('gives up after a bounded number of runs, and never repeats other errors', async () => {
    const always = flakyDb(Array.from({ length: 10 }, () => closed));
    await expect(runInTransaction(always.db, async () => 'done')).rejects.toThrow(/invalid or closed/);
    expect(always.runs()).toBe(CLOSED_TRANSACTION_RUNS);

    const invalid = Object.assign(new Error('3 INVALID_ARGUMENT: too many writes'), { code: 3 });
    const other = flakyDb([invalid]);
    await expect(runInTransaction(other.db, async () => 'done')).rejects.toBe(invalid);
    expect(other.runs()).toBe(1);
  });

  it("adds the awaiting code's frames to a database error, keeping the error itself", async () => {
    // Made the way the client makes them: in a network callback, with no frame of ours.
    const aborted = await new Promise<Error>((resolve) =>
      setImmediate(() =>
        resolve(Object.assign(new Error('10 ABORTED: Transaction lock timeout.'), { code: 10 })),
      ),
    );
    const signUpSomeone = async () => await runInTransaction(flakyDb([aborted]).db, async () => 'done');
    const err = await signUpSomeone().catch((e: unknown) => e);
    expect(err).toBe(aborted);
    expect(aborted.message).toBe('10 ABORTED: Transaction lock timeout.');
    expect(aborted.stack).toMatch(/transaction awaited at[\s\S]*signUpSomeone/);
  });
});
