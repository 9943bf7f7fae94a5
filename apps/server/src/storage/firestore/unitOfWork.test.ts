import { describeIfFirestore, firestoreTestStore } from '../../testing/firestoreEmulator.js';
import { describeUnitOfWorkContract } from '../unitOfWork.contract.js';

describeIfFirestore('Firestore unit of work', () => {
  describeUnitOfWorkContract('firestore', firestoreTestStore);
});
