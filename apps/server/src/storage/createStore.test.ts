import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { describeIfFirestore, firestoreEmulatorHost, testProjectId } from '../testing/firestoreEmulator.js';
import { createStore } from './createStore.js';

describe('createStore: the engine STORE selects', () => {
  it('opens the SQLite file under DATA_DIR by default', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-create-'));
    const store = await createStore(loadConfig({ DATA_DIR: dataDir }).store);
    try {
      expect(store.kind).toBe('sqlite');
      await store.migrate();
      await store.meta.set('k', 'v');
      expect(fs.existsSync(path.join(dataDir, 'tsudoi.sqlite'))).toBe(true);
    } finally {
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describeIfFirestore('createStore: STORE=firestore on the emulator', () => {
  it('opens a Firestore store that reads back what it wrote', async () => {
    const config = loadConfig({
      STORE: 'firestore',
      FIRESTORE_PROJECT_ID: testProjectId(),
      FIRESTORE_EMULATOR_HOST: firestoreEmulatorHost() ?? '',
    });
    const store = await createStore(config.store);
    try {
      expect(store.kind).toBe('firestore');
      await store.migrate();
      await store.meta.set('k', 'v');
      expect(await store.meta.get('k')).toBe('v');
    } finally {
      await store.close();
    }
  });

  it('refuses a project that is not demo-* with an emulator, naming FIRESTORE_PROJECT_ID', async () => {
    await expect(
      createStore({
        kind: 'firestore',
        projectId: 'acme-prod-1',
        emulatorHost: firestoreEmulatorHost() ?? '',
      }),
    ).rejects.toThrow(/FIRESTORE_PROJECT_ID must start with "demo-"/);
  });
});
