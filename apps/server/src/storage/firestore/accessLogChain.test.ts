import {
  describeIfFirestore,
  firestoreEmulatorHost,
  testProjectId,
} from '../../testing/firestoreEmulator.js';
import { describeAccessLogChainContract } from '../contracts/accessLogChain.contract.js';
import { type FirestoreStore, openFirestoreStore } from './firestoreStore.js';
import { tenantDoc } from './paths.js';

describeIfFirestore('Firestore access-log chain', () => {
  describeAccessLogChainContract('firestore', async () => {
    const projectId = testProjectId();
    const open = () => openFirestoreStore({ projectId, emulatorHost: firestoreEmulatorHost()! });
    const store = (await open()) as FirestoreStore;
    await store.migrate();
    return {
      store,
      second: open,
      async edit(ws, id, patch) {
        await tenantDoc(store.db, ws, 'accessLog', id).update(patch);
      },
      async remove(ws, id) {
        await tenantDoc(store.db, ws, 'accessLog', id).delete();
      },
      close: () => store.close(),
    };
  });
});
