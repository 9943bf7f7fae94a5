import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, inject } from 'vitest';
import { observeQueries } from '../storage/firestore/context.js';
import {
  INDEX_FILE,
  type IndexFile,
  indexNeed,
  missingFor,
  structuredQuery,
} from '../storage/firestore/indexCheck.js';
import type { Store } from '../storage/store.js';
import type {} from './firestoreGlobalSetup.js'; // the ProvidedContext keys

/**
 * Test helpers for the Firestore engine. The run's emulator is started once by the vitest globalSetup
 * (`testing/firestoreGlobalSetup.ts`); a test file that imports this module makes it start.
 */

/** The composite indexes production Firestore will have: `firebase deploy --only firestore:indexes` reads it. */
export { INDEX_FILE };

/** The index file; `FIRESTORE_INDEXES_FILE` points the harness at another one (to plant a missing index). */
export function readIndexFile(
  file: string | URL = process.env.FIRESTORE_INDEXES_FILE || INDEX_FILE,
): IndexFile {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as IndexFile;
}

// The emulator serves any query; production refuses one whose composite index is not deployed. Every
// query of every Firestore suite is checked against the index file here and fails the same way.
// Each distinct need is also logged for the run's summary (which declared indexes no query used).
const declared = readIndexFile();
const logged = new Set<string>();
observeQueries((query) => {
  const need = indexNeed(structuredQuery(query));
  const key = JSON.stringify(need);
  const logDir = inject('firestoreQueryLog');
  if (logDir && !logged.has(key)) {
    logged.add(key);
    fs.appendFileSync(path.join(logDir, `${process.pid}.jsonl`), `${key}\n`);
  }
  const missing = missingFor(need, declared);
  if (missing) {
    throw new Error(
      `FAILED_PRECONDITION (as production would answer): this query needs ${missing}; declare it in apps/server/firestore.indexes.json`,
    );
  }
});

/** `127.0.0.1:PORT` of the run's emulator, or undefined when there is none. */
export function firestoreEmulatorHost(): string | undefined {
  return inject('firestoreEmulatorHost') || undefined;
}

function absentReason(): string {
  return inject('firestoreEmulatorAbsent') || 'Firestore emulator absent: the vitest globalSetup did not run';
}

/** A fresh random `demo-t-…` project id: each store sees an empty database without anything being cleared. */
export function testProjectId(): string {
  return `demo-t-${randomBytes(6).toString('hex')}`;
}

/** A fresh, empty, migrated Firestore store on the run's emulator, in its own project. */
export async function firestoreTestStore(): Promise<Store> {
  const emulatorHost = firestoreEmulatorHost();
  if (!emulatorHost) throw new Error(absentReason());
  // Loaded on demand: test files that only import the helpers (testing/testApp.ts) stay light on SQLite.
  const { openFirestoreStore } = await import('../storage/firestore/firestoreStore.js');
  const store = await openFirestoreStore({ projectId: testProjectId(), emulatorHost });
  await store.migrate();
  return store;
}

/**
 * `describe` when the emulator runs; otherwise the suite is reported as skipped, with the reason in its
 * name and a warning banner on the console, so a run without the emulator never looks like a pass.
 */
export function describeIfFirestore(name: string, fn: () => void): void {
  if (firestoreEmulatorHost()) {
    describe(name, fn);
    return;
  }
  const why = absentReason();
  const line = '!'.repeat(100);
  console.warn(`\n${line}\n!! SKIPPED Firestore suite "${name}": ${why}\n${line}\n`);
  describe.skip(`${name} (SKIPPED: ${why})`, fn);
}
