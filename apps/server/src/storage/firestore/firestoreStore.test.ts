import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  describeIfFirestore,
  firestoreEmulatorHost,
  firestoreTestStore,
} from '../../testing/firestoreEmulator.js';
import { describeRoomRepoContract } from '../roomRepo.contract.js';
import { describeStoreContract } from '../store.contract.js';
import type { Store } from '../store.js';
import { openFirestoreStore } from './firestoreStore.js';

describeIfFirestore('Firestore engine', () => {
  describeStoreContract('firestore', firestoreTestStore);
  describeRoomRepoContract('firestore', firestoreTestStore);
});

describeIfFirestore('Firestore store', () => {
  let store: Store;
  beforeEach(async () => {
    store = await firestoreTestStore();
  });
  afterEach(async () => {
    await store.close();
  });

  it('records its schema version once: migrate() again applies nothing', async () => {
    expect(await store.migrate()).toEqual({ applied: [], current: 1 });
    const fresh = await openFirestoreStore({
      projectId: `demo-t-${randomUUID().slice(0, 8)}`,
      emulatorHost: firestoreEmulatorHost()!,
    });
    try {
      expect(await fresh.migrate()).toEqual({ applied: [1], current: 1 });
      expect(await fresh.migrate()).toEqual({ applied: [], current: 1 });
    } finally {
      await fresh.close();
    }
  });

  it('keeps each test project apart: a store sees nothing another project wrote', async () => {
    await store.meta.set('only-here', 'x');
    const other = await firestoreTestStore();
    try {
      expect(await other.meta.get('only-here')).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('close() is idempotent', async () => {
    await store.close();
    await store.close();
  });
});

describeIfFirestore('Firestore store configuration', () => {
  it('refuses a non-demo project id with an emulator', async () => {
    await expect(
      openFirestoreStore({ projectId: 'tsudoi-prod', emulatorHost: firestoreEmulatorHost()! }),
    ).rejects.toThrow(/must start with "demo-"/);
  });

  it('fails fast, naming the emulator, when nothing answers there', async () => {
    const dead = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = srv.address() as net.AddressInfo;
        srv.close(() => resolve(port));
      });
    });
    const started = Date.now();
    await expect(
      openFirestoreStore({
        projectId: 'demo-dead',
        emulatorHost: `127.0.0.1:${dead}`,
        connectTimeoutMs: 1_500,
      }),
    ).rejects.toThrow(
      `Firestore emulator at 127.0.0.1:${dead} (project demo-dead) did not answer within 1500 ms`,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses to talk to Google without credentials', async () => {
    const saved = process.env.GOOGLE_APPLICATION_CREDENTIALS;
    delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    try {
      await expect(openFirestoreStore({ projectId: 'tsudoi-prod' })).rejects.toThrow(
        /needs GOOGLE_APPLICATION_CREDENTIALS/,
      );
    } finally {
      if (saved !== undefined) process.env.GOOGLE_APPLICATION_CREDENTIALS = saved;
    }
  });
});
