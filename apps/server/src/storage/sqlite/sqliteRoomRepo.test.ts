import { describeRoomRepoContract } from '../roomRepo.contract.js';
import { SqliteStore } from './sqliteStore.js';

describeRoomRepoContract('sqlite', async () => {
  const store = new SqliteStore(':memory:');
  await store.migrate();
  return store;
});
