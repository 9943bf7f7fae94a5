import {
  describeIfFirestore,
  firestoreEmulatorHost,
  testProjectId,
} from '../../testing/firestoreEmulator.js';
import { describeMaintenanceContract } from '../contracts/maintenance.contract.js';
import { openFirestoreStore } from './firestoreStore.js';

describeIfFirestore('Firestore maintenance windows', () => {
  describeMaintenanceContract('firestore', async () => {
    const projectId = testProjectId();
    const open = () => openFirestoreStore({ projectId, emulatorHost: firestoreEmulatorHost()! });
    const store = await open();
    await store.migrate();
    return { store, second: open, close: () => store.close() };
  });
});
