import { createHash } from 'node:crypto';
import type { SsoRepo, SsoRequestRecord } from '../store.js';
import type { FsContext } from './context.js';
import { globalDoc, keyId } from './paths.js';

/**
 * Single sign-on state in global collections (a domain, a request id or an assertion id is not scoped by
 * workspace): `ssoDomains/{domain}` = { domain, workspaceId } (the document id makes a domain belong to one
 * workspace), `ssoRequests/{id}` = { workspaceId, browserHash, createdAt, usedAt }, `ssoAssertions/{sha256}`
 * = { expiresAt }. Takes and replay checks read and write in one transaction; domain claims are read and
 * written by the caller's unit of work.
 */
export function firestoreSso(ctx: FsContext): SsoRepo {
  const domainRef = (c: FsContext, domain: string) => globalDoc(c.db, 'ssoDomains', keyId(domain));
  const requestRef = (c: FsContext, id: string) => globalDoc(c.db, 'ssoRequests', keyId(id));
  const assertionRef = (c: FsContext, id: string) =>
    globalDoc(c.db, 'ssoAssertions', createHash('sha256').update(id).digest('hex'));
  const domainsOf = async (c: FsContext, workspaceId: string) => {
    const snap = await c.get(c.db.collection('ssoDomains').where('workspaceId', '==', workspaceId));
    return snap.docs.map((d) => d.data().domain as string).sort();
  };
  return {
    async domainHolders(domains) {
      const wanted = [...new Set(domains)];
      const snaps = await ctx.getAll(wanted.map((d) => domainRef(ctx, d)));
      const out = new Map<string, string>();
      for (const [i, snap] of snaps.entries())
        if (snap.exists) out.set(wanted[i]!, snap.data()?.workspaceId as string);
      return out;
    },
    async routeDomains(workspaceId, { add, remove }) {
      // Only written in a unit of work that read the holders first (so a concurrent claim retries it).
      for (const domain of remove) await ctx.delete(domainRef(ctx, domain));
      for (const domain of add) await ctx.create(domainRef(ctx, domain), { domain, workspaceId });
    },
    domainsOf(workspaceId) {
      return domainsOf(ctx, workspaceId);
    },
    async workspaceForDomain(domain) {
      const snap = await ctx.get(domainRef(ctx, domain));
      return snap.exists ? (snap.data()?.workspaceId as string) : undefined;
    },
    async rememberRequest(r) {
      await ctx.create(requestRef(ctx, r.id), {
        workspaceId: r.workspaceId,
        browserHash: r.browserHash,
        createdAt: r.createdAt,
        usedAt: null,
      });
    },
    takeRequest(id, now) {
      return ctx.atomic(async (c) => {
        const snap = await c.get(requestRef(c, id));
        if (!snap.exists) return undefined;
        const d = snap.data()!;
        const before: SsoRequestRecord = {
          id,
          workspaceId: d.workspaceId,
          browserHash: d.browserHash,
          createdAt: d.createdAt,
          usedAt: d.usedAt ?? null,
        };
        if (before.usedAt === null) await c.update(requestRef(c, id), { usedAt: now });
        return before;
      });
    },
    acceptAssertionOnce(assertionId, expiresAt, now) {
      return ctx.atomic(async (c) => {
        const snap = await c.get(assertionRef(c, assertionId));
        if (snap.exists && (snap.data()?.expiresAt as number) > now) return false;
        await c.set(assertionRef(c, assertionId), { expiresAt });
        return true;
      });
    },
    async prune(requestsBefore, now, limit) {
      ctx.assertNotInTransaction('sso.prune');
      const requests = await ctx.get(
        ctx.db
          .collection('ssoRequests')
          .where('createdAt', '<', requestsBefore)
          .orderBy('createdAt')
          .limit(limit),
      );
      const left = limit - requests.size;
      const assertions =
        left > 0
          ? (
              await ctx.get(
                ctx.db
                  .collection('ssoAssertions')
                  .where('expiresAt', '<=', now)
                  .orderBy('expiresAt')
                  .limit(left),
              )
            ).docs
          : [];
      const docs = [...requests.docs, ...assertions];
      if (docs.length === 0) return 0;
      const batch = ctx.db.batch();
      for (const d of docs) batch.delete(d.ref);
      await batch.commit();
      return docs.length;
    },
  };
}
