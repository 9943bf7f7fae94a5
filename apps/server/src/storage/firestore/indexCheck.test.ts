import { initializeApp } from 'firebase-admin/app';
import { FieldPath, getFirestore } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import {
  describeIfFirestore,
  firestoreTestStore,
  INDEX_FILE,
  readIndexFile,
} from '../../testing/firestoreEmulator.js';
import { DirectContext } from './context.js';
import type { FirestoreStore } from './firestoreStore.js';
import { type IndexFile, indexNeed, missingIndex, structuredQuery } from './indexCheck.js';

// Queries are only built here, never sent: a client without a host or credentials is enough.
process.env.METADATA_SERVER_DETECTION ??= 'none';
const db = getFirestore(initializeApp({ projectId: 'demo-index-check' }, 'index-check'));
const accessLog = db.collection('workspaces').doc('w1').collection('accessLog');
const byUserNewestFirst = accessLog
  .where('userId', '==', 'u1')
  .orderBy('at', 'desc')
  .orderBy(FieldPath.documentId(), 'desc');

describe('firestore.indexes.json', () => {
  const file = readIndexFile(INDEX_FILE);

  it('is in the format `firebase deploy --only firestore:indexes` reads', () => {
    expect(Array.isArray(file.indexes)).toBe(true);
    for (const index of file.indexes) {
      expect(typeof index.collectionGroup).toBe('string');
      expect(['COLLECTION', 'COLLECTION_GROUP']).toContain(index.queryScope);
      expect(index.fields.length).toBeGreaterThanOrEqual(2);
      for (const f of index.fields) {
        expect(Object.keys(f).sort()).toEqual(
          f.arrayConfig ? ['arrayConfig', 'fieldPath'] : ['fieldPath', 'order'],
        );
      }
    }
    const keys = file.indexes.map((i) => JSON.stringify([i.collectionGroup, i.queryScope, i.fields]));
    expect(new Set(keys).size).toBe(keys.length); // no index declared twice
    const overrides = (file.fieldOverrides ?? []).map((o) => `${o.collectionGroup}.${o.fieldPath}`);
    expect(new Set(overrides).size).toBe(overrides.length); // one override per field
    for (const o of file.fieldOverrides ?? []) {
      expect(typeof o.collectionGroup).toBe('string');
      expect(typeof o.fieldPath).toBe('string');
      expect(Array.isArray(o.indexes)).toBe(true);
    }
  });

  it('declares the access log’s per-user index; without it the query is reported missing', () => {
    expect(missingIndex(byUserNewestFirst, file)).toBeUndefined();
    const planted: IndexFile = {
      ...file,
      indexes: file.indexes.filter(
        (i) =>
          !(i.collectionGroup === 'accessLog' && i.fields.map((f) => f.fieldPath).join() === 'userId,at'),
      ),
    };
    expect(planted.indexes.length).toBe(file.indexes.length - 1);
    expect(missingIndex(byUserNewestFirst, planted)).toMatch(/composite index .*"accessLog".*"userId".*"at"/);
  });
});

describe('composite index rules', () => {
  const none: IndexFile = { indexes: [] };

  it('needs no composite index for equality-only queries or a single ordered field', () => {
    expect(indexNeed(structuredQuery(accessLog.where('userId', '==', 'u').where('type', '==', 't')))).toEqual(
      {
        kind: 'none',
      },
    );
    expect(missingIndex(accessLog.orderBy('at', 'desc').orderBy(FieldPath.documentId(), 'desc'), none)).toBe(
      undefined,
    );
    expect(missingIndex(accessLog.where('at', '>=', 'x').orderBy('at'), none)).toBeUndefined();
  });

  it('needs equality fields then the order fields, in the order’s directions', () => {
    const need = indexNeed(structuredQuery(accessLog.where('type', '==', 't').where('at', '<', 'z')));
    expect(need).toMatchObject({
      kind: 'composite',
      index: {
        collectionGroup: 'accessLog',
        queryScope: 'COLLECTION',
        fields: [
          { fieldPath: 'type', order: 'ASCENDING' },
          { fieldPath: 'at', order: 'ASCENDING' },
        ],
      },
    });
    const wrongDirection: IndexFile = {
      indexes: [
        {
          collectionGroup: 'accessLog',
          queryScope: 'COLLECTION',
          fields: [
            { fieldPath: 'userId', order: 'ASCENDING' },
            { fieldPath: 'at', order: 'ASCENDING' },
          ],
        },
      ],
    };
    expect(missingIndex(byUserNewestFirst, wrongDirection)).toBeDefined();
  });

  it('needs collection-group single-field indexes declared as field overrides', () => {
    const q = db.collectionGroup('memberships').where('userId', '==', 'u');
    expect(missingIndex(q, none)).toMatch(/collection-group field overrides on memberships/);
    const declared: IndexFile = {
      indexes: [],
      fieldOverrides: [
        {
          collectionGroup: 'memberships',
          fieldPath: 'userId',
          indexes: [{ queryScope: 'COLLECTION_GROUP', order: 'ASCENDING' }],
        },
      ],
    };
    expect(missingIndex(q, declared)).toBeUndefined();
  });
});

describeIfFirestore('index enforcement in the Firestore test harness', () => {
  it('fails a query whose composite index is not declared, as production Firestore would', async () => {
    const store = (await firestoreTestStore()) as FirestoreStore;
    try {
      const ctx = new DirectContext(store.db);
      const undeclared = store.db.collection('nowhere').where('a', '==', 1).orderBy('b', 'desc');
      await expect(ctx.get(undeclared)).rejects.toThrow(/FAILED_PRECONDITION.*firestore\.indexes\.json/);
      await expect(store.transaction(async () => ctx.get(undeclared))).rejects.toThrow(/FAILED_PRECONDITION/);
      // A declared one runs.
      await expect(ctx.get(store.db.collection('nowhere').orderBy('b', 'desc'))).resolves.toBeDefined();
    } finally {
      await store.close();
    }
  });
});
