import {
  describeIfFirestore,
  firestoreEmulatorHost,
  testProjectId,
} from '../../testing/firestoreEmulator.js';
import { describeContractsContract } from '../contracts/contracts.contract.js';
import { openFirestoreStore } from './firestoreStore.js';

describeIfFirestore('Firestore contracts, operator audit, deletions', () => {
  describeContractsContract('firestore', async () => {
    const store = await openFirestoreStore({
      projectId: testProjectId(),
      emulatorHost: firestoreEmulatorHost()!,
    });
    await store.migrate();
    return store;
  });
});
