import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeDataKeysContract } from '../contracts/dataKeys.contract.js';
import { sqliteDataKeys } from './dataKeyRepo.js';
import { SqliteStore } from './sqliteStore.js';

describeDataKeysContract('sqlite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-dk-'));
  const store = SqliteStore.inDataDir(dir);
  await store.migrate();
  const others: SqliteStore[] = [];
  return {
    repo: sqliteDataKeys(store.db),
    async second() {
      const s = SqliteStore.inDataDir(dir);
      others.push(s);
      return sqliteDataKeys(s.db);
    },
    async close() {
      for (const s of others) await s.close();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
