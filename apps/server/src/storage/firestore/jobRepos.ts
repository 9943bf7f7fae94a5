import type { LeaseRepo, MetaRepo } from '../store.js';
import type { FsContext } from './context.js';
import { globalDoc, keyId } from './paths.js';

/**
 * `leases/{name}` = { holder, expiresAt (epoch ms) }. Taking a lease reads and writes in one transaction,
 * so when several instances race exactly one wins: the others' transactions see its write and retry.
 */
export function firestoreLeases(ctx: FsContext): LeaseRepo {
  const ref = (name: string) => globalDoc(ctx.db, 'leases', keyId(name));
  return {
    tryAcquire(name, holder, now, ttlMs) {
      return ctx.atomic(async (c) => {
        const snap = await c.get(ref(name));
        const cur = snap.data();
        const t = now.getTime();
        if (cur && cur.holder !== holder && cur.expiresAt > t) return false;
        await c.set(ref(name), { name, holder, expiresAt: t + ttlMs });
        return true;
      });
    },
    release(name, holder) {
      return ctx.atomic(async (c) => {
        const snap = await c.get(ref(name));
        if (snap.data()?.holder === holder) await c.delete(ref(name));
      });
    },
  };
}

/** `meta/{key}` = { key, value }; the key is percent-encoded into a document id. */
export function firestoreMeta(ctx: FsContext): MetaRepo {
  const ref = (key: string) => globalDoc(ctx.db, 'meta', keyId(key));
  return {
    async get(key) {
      const snap = await ctx.get(ref(key));
      return snap.exists ? (snap.data()?.value as string) : undefined;
    },
    async set(key, value) {
      await ctx.set(ref(key), { key, value });
    },
  };
}
