import type { WriteBatch } from 'firebase-admin/firestore';
import { beforeAll, expect, it, vi } from 'vitest';
import { describeIfFirestore, firestoreTestStore } from '../../testing/firestoreEmulator.js';
import { describeAccountContracts } from '../contracts/accounts.contract.js';
import { BATCH_LIMIT } from './context.js';
import type { FirestoreStore } from './firestoreStore.js';

describeIfFirestore('account repositories on the Firestore emulator', () => {
  // The emulator's first transactions and queries of a run are slow (JIT warm-up, seconds on a busy
  // machine): pay for them here, with a hook's time budget, not in the first test's.
  beforeAll(async () => {
    const store = await firestoreTestStore();
    try {
      await store.accounts.users.recordFailedSignin('warm-up', { threshold: 5, lockUntil: 'x', now: 'x' });
      await store.accounts.users.getByEmail('warm-up@example.com');
    } finally {
      await store.close();
    }
  }, 60_000);

  describeAccountContracts('firestore', firestoreTestStore);

  it('ends more sessions of one user than one batch may hold, in batches of at most 500 writes', async () => {
    const store = (await firestoreTestStore()) as FirestoreStore;
    try {
      const n = BATCH_LIMIT + 7;
      const seed = Array.from({ length: n }, (_, i) => ({ id: `s${i}`, userId: 'u1' }));
      for (let i = 0; i < n; i += BATCH_LIMIT) {
        const b = store.db.batch();
        for (const s of seed.slice(i, i + BATCH_LIMIT)) b.set(store.db.collection('sessions').doc(s.id), s);
        await b.commit();
      }
      await store.accounts.sessions.create({
        id: 'other',
        userId: 'u2',
        csrfToken: 'c',
        method: 'password',
        createdAt: 'x',
        lastSeenAt: 'x',
        expiresAt: 'y',
        ip: null,
        userAgent: null,
      });
      const sizes: number[] = [];
      const batch = store.db.batch.bind(store.db);
      const spy = vi.spyOn(store.db, 'batch').mockImplementation(() => {
        const b = batch();
        let writes = 0;
        const del = b.delete.bind(b);
        const commit = b.commit.bind(b);
        b.delete = ((...args: Parameters<WriteBatch['delete']>) => {
          writes++;
          return del(...args);
        }) as WriteBatch['delete'];
        b.commit = () => {
          sizes.push(writes);
          return commit();
        };
        return b;
      });
      expect(await store.accounts.sessions.deleteAllForUser('u1')).toBe(n);
      spy.mockRestore();
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(n);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(BATCH_LIMIT);
      expect(
        (await store.db.collection('sessions').where('userId', '==', 'u1').count().get()).data().count,
      ).toBe(0);
      expect(await store.accounts.sessions.get('other')).toBeDefined();
    } finally {
      await store.close();
    }
  }, 60_000);
});
