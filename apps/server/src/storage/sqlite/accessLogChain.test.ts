import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeAccessLogChainContract } from '../contracts/accessLogChain.contract.js';
import { SqliteStore } from './sqliteStore.js';

describeAccessLogChainContract('sqlite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-chain-'));
  const store = SqliteStore.inDataDir(dir);
  await store.migrate();
  return {
    store,
    second: async () => SqliteStore.inDataDir(dir),
    async edit(_ws, id, patch) {
      if (patch.type) store.db.prepare('UPDATE access_log SET type = ? WHERE id = ?').run(patch.type, id);
      if (patch.userId)
        store.db.prepare('UPDATE access_log SET user_id = ? WHERE id = ?').run(patch.userId, id);
    },
    async remove(_ws, id) {
      store.db.prepare('DELETE FROM access_log WHERE id = ?').run(id);
    },
    async close() {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
