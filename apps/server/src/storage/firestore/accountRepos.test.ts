import { describeIfFirestore, firestoreTestStore } from '../../testing/firestoreEmulator.js';
import { describeAccountContracts } from '../contracts/accounts.contract.js';

describeIfFirestore('account repositories on the Firestore emulator', () => {
  describeAccountContracts('firestore', firestoreTestStore);
});
