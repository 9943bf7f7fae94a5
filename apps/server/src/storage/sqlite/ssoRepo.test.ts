import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeSsoContract } from '../contracts/sso.contract.js';
import { SqliteStore } from './sqliteStore.js';

describeSsoContract('sqlite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-sso-'));
  const store = SqliteStore.inDataDir(dir);
  await store.migrate();
  return {
    store,
    second: async () => SqliteStore.inDataDir(dir),
    racer: async () => store,
    async close() {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
