import {
  describeIfFirestore,
  firestoreEmulatorHost,
  testProjectId,
} from '../../testing/firestoreEmulator.js';
import { describePlacementContract } from '../contracts/placement.contract.js';
import { DirectContext } from './context.js';
import { type FirestoreStore, openFirestoreStore } from './firestoreStore.js';
import { firestorePlacement } from './placementRepo.js';

describeIfFirestore('Firestore room placement', () => {
  describePlacementContract('firestore', async () => {
    const projectId = testProjectId();
    const open = () => openFirestoreStore({ projectId, emulatorHost: firestoreEmulatorHost()! });
    const store = (await open()) as FirestoreStore;
    await store.migrate();
    const others: FirestoreStore[] = [];
    return {
      repos: firestorePlacement(new DirectContext(store.db)),
      async second() {
        const s = (await open()) as FirestoreStore;
        others.push(s);
        return firestorePlacement(new DirectContext(s.db));
      },
      async close() {
        for (const s of others) await s.close();
        await store.close();
      },
    };
  });
});
