import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describePlacementContract } from '../contracts/placement.contract.js';
import { sqlitePlacement } from './placementRepo.js';
import { SqliteStore } from './sqliteStore.js';

describePlacementContract('sqlite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-placement-'));
  const store = SqliteStore.inDataDir(dir);
  await store.migrate();
  const others: SqliteStore[] = [];
  return {
    repos: sqlitePlacement(store.db),
    async second() {
      const s = SqliteStore.inDataDir(dir);
      others.push(s);
      return sqlitePlacement(s.db);
    },
    async close() {
      for (const s of others) await s.close();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
