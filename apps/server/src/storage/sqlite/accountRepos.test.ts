import { describeAccountStoreContract } from '../../auth/accountStore.contract.js';
import { SqliteStore } from './sqliteStore.js';

describeAccountStoreContract('sqlite', async () => {
  const store = new SqliteStore(':memory:');
  await store.migrate();
  return store;
});
