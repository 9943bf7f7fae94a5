import type { DocumentData, DocumentReference } from 'firebase-admin/firestore';
import type { Lockout, LockoutCount } from '../store.js';
import { BATCH_LIMIT, chunks, type FsContext, isNotFound } from './context.js';

/** The defined keys of a patch, minus the ones a repository never lets a patch change. */
export function definedPatch(patch: object, frozen: readonly string[] = []): DocumentData {
  return Object.fromEntries(Object.entries(patch).filter(([k, v]) => v !== undefined && !frozen.includes(k)));
}

/**
 * Updates fields of a document that may be gone. Directly, a missing document changes nothing (like an SQL
 * `UPDATE` that matches no row); inside a transaction the update is buffered and Firestore fails the commit.
 */
export async function updateIfExists(
  ctx: FsContext,
  ref: DocumentReference,
  data: DocumentData,
): Promise<void> {
  if (Object.keys(data).length === 0) return;
  try {
    await ctx.update(ref, data);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/**
 * Deletes documents: inside a transaction through it (at most `BATCH_LIMIT` writes), otherwise in batches
 * of at most `BATCH_LIMIT` deletes each.
 */
export async function deleteAll(ctx: FsContext, refs: readonly DocumentReference[]): Promise<void> {
  if (ctx.inTransaction) {
    if (refs.length > BATCH_LIMIT) {
      throw new Error(`cannot delete ${refs.length} documents in one transaction (limit ${BATCH_LIMIT})`);
    }
    for (const ref of refs) await ctx.delete(ref);
    return;
  }
  for (const part of chunks(refs, BATCH_LIMIT)) {
    const batch = ctx.db.batch();
    for (const ref of part) batch.delete(ref);
    await batch.commit();
  }
}

/**
 * One more failed attempt on an account (the R13 lockout), as the SQLite engine counts it: a lock that has
 * run out starts a new count, and reaching the threshold locks until `lockUntil`.
 */
export function nextFailure(
  current: { failedSignins: number; lockedUntil: string | null },
  l: Lockout,
): { failedSignins: number; lockedUntil: string | null } {
  const expired = current.lockedUntil !== null && current.lockedUntil <= l.now;
  const failedSignins = expired ? 1 : current.failedSignins + 1;
  const lockedUntil = failedSignins >= l.threshold ? l.lockUntil : expired ? null : current.lockedUntil;
  return { failedSignins, lockedUntil };
}

/** The lockout count after one more failure on a user document read in the same transaction. */
export function failureUpdate(
  user: DocumentData | undefined,
  lockout: Lockout,
): { count: LockoutCount; update?: { failedSignins: number; lockedUntil: string | null } } {
  if (!user) return { count: { failures: 0, locked: false } };
  const update = nextFailure(
    { failedSignins: user.failedSignins ?? 0, lockedUntil: user.lockedUntil ?? null },
    lockout,
  );
  return {
    count: { failures: update.failedSignins, locked: update.failedSignins >= lockout.threshold },
    update,
  };
}
