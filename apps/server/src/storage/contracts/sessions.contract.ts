import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Session, Store } from '../store.js';
import { at, freshStore, newUser, T0 } from './accountFixtures.js';

/** SessionRepo on every engine: sessions read back as stored, touched in place, ended one by one or per user. */
export function describeSessionsContract(engine: string, makeStore: () => Promise<Store>) {
  describe(`sessions contract: ${engine}`, () => {
    const store = freshStore(makeStore);
    const sessions = () => store().accounts.sessions;

    async function newSession(userId: string, over: Partial<Session> = {}): Promise<Session> {
      const s: Session = {
        id: randomUUID(),
        userId,
        csrfToken: randomUUID(),
        method: 'password+email-otp',
        createdAt: T0,
        lastSeenAt: T0,
        expiresAt: at(12 * 60),
        ip: '127.0.0.1',
        userAgent: 'test',
        ...over,
      };
      await sessions().create(s);
      return s;
    }

    it('reads back a session as created; an unknown id reads nothing', async () => {
      const u = await newUser(store());
      const s = await newSession(u.id);
      const bare = await newSession(u.id, { ip: null, userAgent: null, method: 'password' });
      expect(await sessions().get(s.id)).toEqual(s);
      expect(await sessions().get(bare.id)).toEqual(bare);
      expect(await sessions().get(randomUUID())).toBeUndefined();
    });

    it('touch moves only last-seen, of only that session', async () => {
      const u = await newUser(store());
      const [s, other] = [await newSession(u.id), await newSession(u.id)];
      await sessions().touch(s.id, at(5));
      expect(await sessions().get(s.id)).toEqual({ ...s, lastSeenAt: at(5) });
      expect(await sessions().get(other.id)).toEqual(other);
    });

    it('delete ends one session; touching an ended session does not bring it back', async () => {
      const u = await newUser(store());
      const [s, other] = [await newSession(u.id), await newSession(u.id)];
      await sessions().delete(s.id);
      expect(await sessions().get(s.id)).toBeUndefined();
      await sessions().touch(s.id, at(5));
      expect(await sessions().get(s.id)).toBeUndefined();
      await sessions().delete(s.id); // ending it again is harmless
      expect(await sessions().get(other.id)).toEqual(other);
    });

    it("deleteAllForUser ends every session of that user, counts them, and leaves others' alone", async () => {
      const [u, other] = [await newUser(store()), await newUser(store())];
      const mine = [await newSession(u.id), await newSession(u.id), await newSession(u.id)];
      const theirs = await newSession(other.id);
      expect(await sessions().deleteAllForUser(u.id)).toBe(3);
      for (const s of mine) expect(await sessions().get(s.id)).toBeUndefined();
      expect(await sessions().get(theirs.id)).toEqual(theirs);
      expect(await sessions().deleteAllForUser(u.id)).toBe(0);
      expect(await sessions().deleteAllForUser(randomUUID())).toBe(0);
    });
  });
}
