import { describeMessageRepoContract } from '../messages.contract.js';
import { SqliteStore } from './sqliteStore.js';

describeMessageRepoContract('sqlite', async () => {
  const store = new SqliteStore(':memory:');
  await store.migrate();
  return store;
});
