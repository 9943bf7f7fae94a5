import {
  describeIfFirestore,
  firestoreEmulatorHost,
  testProjectId,
} from '../../testing/firestoreEmulator.js';
import { describeSsoContract } from '../contracts/sso.contract.js';
import { openFirestoreStore } from './firestoreStore.js';

describeIfFirestore('Firestore SSO state', () => {
  describeSsoContract('firestore', async () => {
    const projectId = testProjectId();
    const open = () => openFirestoreStore({ projectId, emulatorHost: firestoreEmulatorHost()! });
    const store = await open();
    await store.migrate();
    return { store, second: open, racer: open, close: () => store.close() };
  });
});
