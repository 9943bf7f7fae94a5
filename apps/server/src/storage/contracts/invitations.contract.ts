import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import { at, freshStore, invitationRecord, newWorkspace, T0 } from './accountFixtures.js';

/**
 * InvitationRepo on every engine: one pending invitation per address and workspace (inviting again
 * refreshes it, even when the invitations race), a link is accepted once, and a workspace can only revoke
 * its own invitations.
 */
export function describeInvitationsContract(engine: string, makeStore: () => Promise<Store>) {
  describe(`invitations contract: ${engine}`, () => {
    const store = freshStore(makeStore);
    const invs = () => store().accounts.invitations;
    const WEEK = at(7 * 24 * 60);

    it('reads back an invitation by its token hash; an unknown hash reads nothing', async () => {
      const ws = await newWorkspace(store());
      const inv = invitationRecord(ws, { role: 'admin' });
      await invs().create(inv);
      expect(await invs().getByTokenHash(inv.tokenHash)).toEqual(inv);
      expect(await invs().getByTokenHash('unknown')).toBeUndefined();
    });

    it('keeps addresses lower-cased, so the pending invitation is found whatever the case', async () => {
      const ws = await newWorkspace(store());
      const inv = invitationRecord(ws, { email: 'Ken.Sato@Example.COM' });
      await invs().create(inv);
      expect((await invs().getByTokenHash(inv.tokenHash))?.email).toBe('ken.sato@example.com');
      expect((await invs().pendingFor(ws, 'KEN.SATO@example.com', T0))?.id).toBe(inv.id);
      const again = await invs().createOrRefresh(invitationRecord(ws, { email: 'ken.sato@EXAMPLE.com' }), T0);
      expect(again.id).toBe(inv.id);
    });

    it('pending means neither accepted, revoked nor expired, in that workspace', async () => {
      const [a, b] = [await newWorkspace(store()), await newWorkspace(store())];
      const email = 'p@example.com';
      const inv = invitationRecord(a, { email, expiresAt: WEEK });
      await invs().create(inv);
      expect((await invs().pendingFor(a, email, T0))?.id).toBe(inv.id);
      expect(await invs().pendingFor(b, email, T0)).toBeUndefined();
      expect(await invs().pendingFor(a, 'other@example.com', T0)).toBeUndefined();
      expect(await invs().pendingFor(a, email, WEEK)).toBeUndefined();
      expect(await invs().markAccepted(inv.id, at(1))).toBe(true);
      expect(await invs().pendingFor(a, email, T0)).toBeUndefined();
      const revoked = invitationRecord(a, { email });
      await invs().create(revoked);
      expect(await invs().revoke(a, revoked.id, at(1))).toBe(true);
      expect(await invs().pendingFor(a, email, T0)).toBeUndefined();
    });

    it('one pending per address and workspace; inviting again refreshes it in place', async () => {
      const ws = await newWorkspace(store());
      const email = 'x@example.com';
      const first = await invs().createOrRefresh(invitationRecord(ws, { email, tokenHash: 't1' }), T0);
      const again = await invs().createOrRefresh(
        invitationRecord(ws, {
          email,
          tokenHash: 't2',
          role: 'admin',
          invitedBy: 'admin-2',
          expiresAt: at(8 * 24 * 60),
          createdAt: at(5),
        }),
        at(5),
      );
      expect(again).toEqual({
        ...first,
        tokenHash: 't2',
        role: 'admin',
        invitedBy: 'admin-2',
        expiresAt: at(8 * 24 * 60),
      });
      expect(await invs().getByTokenHash('t1')).toBeUndefined(); // the old link is gone
      expect(await invs().getByTokenHash('t2')).toEqual(again);
      expect(await invs().listByWorkspace(ws)).toEqual([again]);
      // Past its expiry, or revoked, it is not pending: a new one is made.
      const later = at(9 * 24 * 60);
      const fresh = await invs().createOrRefresh(
        invitationRecord(ws, { email, tokenHash: 't3', createdAt: later }),
        later,
      );
      expect(fresh.id).not.toBe(first.id);
      expect(await invs().revoke(ws, fresh.id, later)).toBe(true);
      const third = await invs().createOrRefresh(
        invitationRecord(ws, { email, tokenHash: 't4', createdAt: later }),
        later,
      );
      expect([first.id, fresh.id]).not.toContain(third.id);
      expect((await invs().listByWorkspace(ws)).length).toBe(3);
    });

    it('parallel invitations to one address leave exactly one pending invitation', async () => {
      const [a, b] = [await newWorkspace(store()), await newWorkspace(store())];
      const email = 'race@example.com';
      const results = await Promise.all(
        Array.from({ length: 4 }, () => invs().createOrRefresh(invitationRecord(a, { email }), T0)),
      );
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
      const pending = await invs().pendingFor(a, email, T0);
      expect(results.map((r) => r.tokenHash)).toContain(pending?.tokenHash);
      expect((await invs().listByWorkspace(a)).length).toBe(1);
      // The same address in another workspace has its own.
      const elsewhere = await invs().createOrRefresh(invitationRecord(b, { email }), T0);
      expect(elsewhere.id).not.toBe(results[0]!.id);
    });

    it('creates many at once unless an address is pending; a later invitation refreshes, never duplicates', async () => {
      const ws = await newWorkspace(store());
      const first = invitationRecord(ws, { email: 'Bulk1@example.com' });
      const second = invitationRecord(ws, { email: 'bulk2@example.com' });
      expect(await invs().createAllNew([first, second], T0)).toBeNull();
      expect((await invs().pendingFor(ws, 'bulk1@example.com', T0))?.id).toBe(first.id);
      const again = await invs().createOrRefresh(invitationRecord(ws, { email: 'bulk2@example.com' }), T0);
      expect(again.id).toBe(second.id);
      const third = invitationRecord(ws, { email: 'bulk3@example.com' });
      const clash = invitationRecord(ws, { email: 'BULK1@example.com' });
      expect(await invs().createAllNew([third, clash], T0)).toEqual({ pending: 'bulk1@example.com' });
      expect(await invs().pendingFor(ws, 'bulk3@example.com', T0)).toBeUndefined();
      expect(await invs().listByWorkspace(ws)).toHaveLength(2);
    });

    it('a bulk create racing invitations to one of its addresses leaves one pending invitation', async () => {
      const ws = await newWorkspace(store());
      const email = 'bulkrace@example.com';
      const [, ...singles] = await Promise.all([
        invs().createAllNew(
          [invitationRecord(ws, { email }), invitationRecord(ws, { email: 'other@example.com' })],
          T0,
        ),
        ...Array.from({ length: 2 }, () => invs().createOrRefresh(invitationRecord(ws, { email }), T0)),
      ]);
      const forEmail = (await invs().listByWorkspace(ws)).filter((i) => i.email === email);
      expect(forEmail).toHaveLength(1);
      expect(new Set(singles.map((i) => (i as { id: string }).id))).toEqual(new Set([forEmail[0]!.id]));
      // Transactions on one lock document retry each other: slow on a busy emulator, hence the time.
    }, 30_000);

    it("lists a workspace's invitations newest first, and no other workspace's", async () => {
      const [a, b] = [await newWorkspace(store()), await newWorkspace(store())];
      const older = invitationRecord(a, { createdAt: at(1) });
      const newer = invitationRecord(a, { createdAt: at(2) });
      await invs().create(older);
      await invs().create(newer);
      await invs().create(invitationRecord(b, { createdAt: at(3) }));
      expect(await invs().listByWorkspace(a)).toEqual([newer, older]);
      expect(await invs().listByWorkspace(randomUUID())).toEqual([]);
    });

    it('accepts an invitation once, even under parallel calls; a revoked one cannot be accepted', async () => {
      const ws = await newWorkspace(store());
      const inv = invitationRecord(ws);
      await invs().create(inv);
      const wins = await Promise.all(Array.from({ length: 5 }, () => invs().markAccepted(inv.id, at(1))));
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect((await invs().getByTokenHash(inv.tokenHash))?.acceptedAt).toBe(at(1));
      expect(await invs().markAccepted(inv.id, at(2))).toBe(false);
      expect(await invs().revoke(ws, inv.id, at(2))).toBe(false); // accepted: no longer revocable
      const revoked = invitationRecord(ws);
      await invs().create(revoked);
      expect(await invs().revoke(ws, revoked.id, at(1))).toBe(true);
      expect(await invs().markAccepted(revoked.id, at(2))).toBe(false);
      expect(await invs().markAccepted(randomUUID(), at(2))).toBe(false);
    });

    it('revokes only through its own workspace, once', async () => {
      const [a, b] = [await newWorkspace(store()), await newWorkspace(store())];
      const inB = invitationRecord(b);
      await invs().create(inB);
      expect(await invs().revoke(a, inB.id, at(1))).toBe(false);
      expect(await invs().getByTokenHash(inB.tokenHash)).toEqual(inB);
      expect(await invs().revoke(b, inB.id, at(1))).toBe(true);
      expect((await invs().getByTokenHash(inB.tokenHash))?.revokedAt).toBe(at(1));
      expect(await invs().revoke(b, inB.id, at(2))).toBe(false);
      expect((await invs().getByTokenHash(inB.tokenHash))?.revokedAt).toBe(at(1));
    });
  });
}
