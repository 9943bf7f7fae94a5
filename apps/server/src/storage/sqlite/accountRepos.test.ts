import { describeAccountContracts } from '../contracts/accounts.contract.js';
import { SqliteStore } from './sqliteStore.js';

describeAccountContracts('sqlite', async () => {
  const store = new SqliteStore(':memory:');
  await store.migrate();
  return store;
});
