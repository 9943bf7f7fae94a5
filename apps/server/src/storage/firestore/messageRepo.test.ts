import { describeIfFirestore, firestoreTestStore } from '../../testing/firestoreEmulator.js';
import { describeMessageRepoContract } from '../messages.contract.js';

describeIfFirestore('Firestore messages', () => {
  describeMessageRepoContract('firestore', firestoreTestStore);
});
