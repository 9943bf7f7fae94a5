import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Store, User } from '../store.js';
import { at, freshStore, newMember, newUser, newWorkspace } from './accountFixtures.js';

/**
 * MembershipRepo on every engine: each workspace reads only its own memberships (a user of workspace B is
 * never seen through workspace A), member lists carry the person's current email and name, and only active
 * members count.
 */
export function describeMembershipsContract(engine: string, makeStore: () => Promise<Store>) {
  describe(`memberships contract: ${engine}`, () => {
    const store = freshStore(makeStore);
    const memberships = () => store().accounts.memberships;

    it('reads back a membership in its workspace only', async () => {
      const [a, b] = [await newWorkspace(store()), await newWorkspace(store())];
      const u = await newUser(store());
      const m = await newMember(store(), a, u.id, { role: 'admin', joinedAt: at(1) });
      expect(await memberships().get(a, u.id)).toEqual(m);
      expect(await memberships().get(b, u.id)).toBeUndefined();
      expect(await memberships().get(a, randomUUID())).toBeUndefined();
    });

    it("lists a user's memberships over all their workspaces, and nobody else's", async () => {
      const [a, b, c] = [
        await newWorkspace(store()),
        await newWorkspace(store()),
        await newWorkspace(store()),
      ];
      const [u, other] = [await newUser(store()), await newUser(store())];
      const ma = await newMember(store(), a, u.id, { role: 'owner' });
      const mb = await newMember(store(), b, u.id, { status: 'disabled' });
      await newMember(store(), c, other.id);
      const mine = await memberships().listByUser(u.id);
      expect(mine.sort((x, y) => x.workspaceId.localeCompare(y.workspaceId))).toEqual(
        [ma, mb].sort((x, y) => x.workspaceId.localeCompare(y.workspaceId)),
      );
      expect(await memberships().listByUser(randomUUID())).toEqual([]);
    });

    it("lists a workspace's members with their email and name, by name, and no other workspace's", async () => {
      const [a, b] = [await newWorkspace(store()), await newWorkspace(store())];
      const bea = await newUser(store(), { displayName: 'Bea' });
      const al = await newUser(store(), { displayName: 'Al' });
      const cy = await newUser(store(), { displayName: 'Cy' });
      const outsider = await newUser(store(), { displayName: 'Aaron' });
      const mBea = await newMember(store(), a, bea.id, { role: 'owner' });
      const mAl = await newMember(store(), a, al.id, { status: 'disabled' });
      const mCy = await newMember(store(), a, cy.id);
      await newMember(store(), b, outsider.id);
      await newMember(store(), b, bea.id, { role: 'admin' });
      expect(await memberships().listByWorkspace(a)).toEqual([
        { ...mAl, email: al.email, displayName: 'Al' },
        { ...mBea, email: bea.email, displayName: 'Bea' },
        { ...mCy, email: cy.email, displayName: 'Cy' },
      ]);
      expect((await memberships().listByWorkspace(b)).map((m) => [m.displayName, m.role])).toEqual([
        ['Aaron', 'member'],
        ['Bea', 'admin'],
      ]);
      expect(await memberships().listByWorkspace(randomUUID())).toEqual([]);
    });

    it('reads the memberships of given people with email and name, only those of that workspace', async () => {
      const [a, b] = [await newWorkspace(store()), await newWorkspace(store())];
      const people: User[] = [];
      for (let i = 0; i < 40; i++) people.push(await newUser(store(), { displayName: `P${i}` }));
      for (const [i, p] of people.entries()) {
        // People 0–34 are members of A (34 disabled); 35–39 only of B.
        await newMember(store(), i < 35 ? a : b, p.id, i === 34 ? { status: 'disabled' } : {});
      }
      const asked = [...people.map((p) => p.id), people[0]!.id, randomUUID(), 'not-an-id/..'];
      const got = await memberships().getMany(a, asked);
      expect(got.map((m) => m.userId).sort()).toEqual(
        people
          .slice(0, 35)
          .map((p) => p.id)
          .sort(),
      );
      const p34 = got.find((m) => m.userId === people[34]!.id);
      expect(p34).toEqual({
        workspaceId: a,
        userId: people[34]!.id,
        role: 'member',
        status: 'disabled',
        joinedAt: p34?.joinedAt,
        email: people[34]!.email,
        displayName: 'P34',
      });
      // B's members are not read through A, and A's not through B.
      expect(
        await memberships().getMany(
          a,
          people.slice(35).map((p) => p.id),
        ),
      ).toEqual([]);
      expect((await memberships().getMany(b, asked)).map((m) => m.displayName).sort()).toEqual([
        'P35',
        'P36',
        'P37',
        'P38',
        'P39',
      ]);
      expect(await memberships().getMany(a, [])).toEqual([]);
    });

    it('shows a renamed person under their new name in every workspace', async () => {
      const [a, b] = [await newWorkspace(store()), await newWorkspace(store())];
      const u = await newUser(store(), { displayName: 'Before' });
      await newMember(store(), a, u.id);
      await newMember(store(), b, u.id);
      await store().accounts.users.update(u.id, { displayName: 'After' });
      for (const ws of [a, b]) {
        expect((await memberships().listByWorkspace(ws)).map((m) => m.displayName)).toEqual(['After']);
      }
    });

    it('lists a workspace of many members whole', async () => {
      const ws = await newWorkspace(store());
      const names = Array.from({ length: 75 }, (_, i) => `Member ${String(i).padStart(3, '0')}`);
      for (const displayName of names)
        await newMember(store(), ws, (await newUser(store(), { displayName })).id);
      expect((await memberships().listByWorkspace(ws)).map((m) => m.displayName)).toEqual(names);
    });

    it('updates role and status of one membership in one workspace only', async () => {
      const [a, b] = [await newWorkspace(store()), await newWorkspace(store())];
      const [u, other] = [await newUser(store()), await newUser(store())];
      const ma = await newMember(store(), a, u.id);
      const mb = await newMember(store(), b, u.id);
      const mo = await newMember(store(), a, other.id);
      await memberships().update(a, u.id, { role: 'admin' });
      expect(await memberships().get(a, u.id)).toEqual({ ...ma, role: 'admin' });
      await memberships().update(a, u.id, { status: 'disabled', role: undefined });
      expect(await memberships().get(a, u.id)).toEqual({ ...ma, role: 'admin', status: 'disabled' });
      expect(await memberships().get(b, u.id)).toEqual(mb);
      expect(await memberships().get(a, other.id)).toEqual(mo);
    });

    it('updating someone who is not a member makes nobody a member', async () => {
      const [a, b] = [await newWorkspace(store()), await newWorkspace(store())];
      const u = await newUser(store());
      await newMember(store(), b, u.id);
      await memberships().update(a, u.id, { role: 'admin', status: 'active' });
      expect(await memberships().get(a, u.id)).toBeUndefined();
      expect(await memberships().countActive(a)).toBe(0);
      expect((await memberships().listByUser(u.id)).map((m) => m.workspaceId)).toEqual([b]);
    });

    it('removes one membership from one workspace only', async () => {
      const [a, b] = [await newWorkspace(store()), await newWorkspace(store())];
      const [u, other] = [await newUser(store()), await newUser(store())];
      await newMember(store(), a, u.id);
      const mb = await newMember(store(), b, u.id);
      await newMember(store(), a, other.id);
      await memberships().remove(a, u.id);
      expect(await memberships().get(a, u.id)).toBeUndefined();
      expect(await memberships().listByUser(u.id)).toEqual([mb]);
      expect((await memberships().listByWorkspace(a)).map((m) => m.userId)).toEqual([other.id]);
      await memberships().remove(a, u.id); // removing again is harmless
    });

    it('counts only the active members of that workspace', async () => {
      const [a, b] = [await newWorkspace(store()), await newWorkspace(store())];
      const people = [await newUser(store()), await newUser(store()), await newUser(store())];
      await newMember(store(), a, people[0]!.id, { role: 'owner' });
      await newMember(store(), a, people[1]!.id);
      await newMember(store(), a, people[2]!.id, { status: 'disabled' });
      await newMember(store(), b, people[2]!.id);
      expect(await memberships().countActive(a)).toBe(2);
      expect(await memberships().countActive(b)).toBe(1);
      await memberships().update(a, people[1]!.id, { status: 'disabled' });
      expect(await memberships().countActive(a)).toBe(1);
      expect(await memberships().countActive(randomUUID())).toBe(0);
    });
  });
}
