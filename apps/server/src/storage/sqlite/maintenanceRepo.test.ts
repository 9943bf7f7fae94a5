import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeMaintenanceContract } from '../contracts/maintenance.contract.js';
import { SqliteStore } from './sqliteStore.js';

describeMaintenanceContract('sqlite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-maintenance-'));
  const store = SqliteStore.inDataDir(dir);
  await store.migrate();
  return {
    store,
    second: async () => SqliteStore.inDataDir(dir),
    async close() {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
