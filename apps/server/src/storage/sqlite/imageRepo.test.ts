import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeImagesContract } from '../contracts/images.contract.js';
import { SqliteStore } from './sqliteStore.js';

describeImagesContract('sqlite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-images-'));
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
