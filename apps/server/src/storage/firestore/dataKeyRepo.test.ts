import {
  describeIfFirestore,
  firestoreEmulatorHost,
  testProjectId,
} from '../../testing/firestoreEmulator.js';
import { describeDataKeysContract } from '../contracts/dataKeys.contract.js';
import { DirectContext } from './context.js';
import { firestoreDataKeys } from './dataKeyRepo.js';
import { type FirestoreStore, openFirestoreStore } from './firestoreStore.js';

describeIfFirestore('Firestore data keys', () => {
  describeDataKeysContract('firestore', async () => {
    const projectId = testProjectId();
    const open = () => openFirestoreStore({ projectId, emulatorHost: firestoreEmulatorHost()! });
    const store = (await open()) as FirestoreStore;
    await store.migrate();
    const others: FirestoreStore[] = [];
    return {
      repo: firestoreDataKeys(new DirectContext(store.db)),
      async second() {
        const s = (await open()) as FirestoreStore;
        others.push(s);
        return firestoreDataKeys(new DirectContext(s.db));
      },
      async close() {
        for (const s of others) await s.close();
        await store.close();
      },
    };
  });
});
