import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { INDEX_FILE, type IndexFile, type IndexNeed, servingIndex } from '../storage/firestore/indexCheck.js';
import { emulatorBinary, emulatorPresent } from './firestoreEmulatorProcess.js';
import { startWarmFirestoreEmulator } from './firestoreWarmUp.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `127.0.0.1:PORT` of the run's Firestore emulator; empty when none runs (see the reason). */
    firestoreEmulatorHost: string;
    /** Why no emulator runs, for the loud skip; empty when one does. */
    firestoreEmulatorAbsent: string;
    /** Directory where workers log the index needs of the queries they ran; empty when none runs. */
    firestoreQueryLog: string;
  }
}

/** Files that use the emulator import the helper; any other selection runs without starting Java. */
const NEEDS_EMULATOR = /testing\/firestoreEmulator\.js/;

/** The test files of this run, or undefined when vitest does not tell (then the emulator always starts). */
function selectedFiles(project: TestProject): string[] | undefined {
  const state = (project.vitest as unknown as { state?: { getPaths?: () => string[] } }).state;
  const paths = state?.getPaths?.();
  return Array.isArray(paths) && paths.length > 0 ? paths : undefined;
}

function someFileNeedsEmulator(files: string[]): boolean {
  return files.some((file) => {
    try {
      return NEEDS_EMULATOR.test(fs.readFileSync(file, 'utf8'));
    } catch {
      return true;
    }
  });
}

/**
 * After the run: how many distinct query shapes the Firestore suites ran, and which declared composite
 * indexes none of them used (a hint, not a failure: a partial run uses only some).
 */
function reportIndexUse(queryLog: string): void {
  const needs = new Map<string, IndexNeed>();
  for (const file of fs.readdirSync(queryLog)) {
    for (const line of fs.readFileSync(path.join(queryLog, file), 'utf8').split('\n')) {
      if (line) needs.set(line, JSON.parse(line) as IndexNeed);
    }
  }
  fs.rmSync(queryLog, { recursive: true, force: true });
  if (needs.size === 0) return;
  const declared = JSON.parse(
    fs.readFileSync(process.env.FIRESTORE_INDEXES_FILE || INDEX_FILE, 'utf8'),
  ) as IndexFile;
  const used = new Set([...needs.values()].map((need) => servingIndex(need, declared)).filter(Boolean));
  const unused = declared.indexes.filter((index) => !used.has(index));
  const composite = [...needs.values()].filter((n) => n.kind === 'composite').length;
  console.log(
    `[firestore] ${needs.size} query shapes ran (${composite} on composite indexes); ` +
      (unused.length === 0
        ? 'every declared composite index was used'
        : `declared but unused in this run: ${unused.map((i) => `${i.collectionGroup}(${i.fields.map((f) => f.fieldPath).join(',')})`).join('; ')}`),
  );
}

/**
 * Vitest globalSetup: starts ONE Firestore emulator for the whole run when a selected test file needs it,
 * and hands its host to the tests (`inject('firestoreEmulatorHost')`). `FIRESTORE_EMULATOR_HOST` set in the
 * environment reuses that emulator instead.
 */
export default async function setup(project: TestProject) {
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  const provide = (host: string, absent: string, queryLog = '') => {
    project.provide('firestoreEmulatorHost', host);
    project.provide('firestoreEmulatorAbsent', absent);
    project.provide('firestoreQueryLog', queryLog);
  };
  const given = process.env.FIRESTORE_EMULATOR_HOST;
  if (given) {
    provide(given, '');
    return;
  }
  const files = selectedFiles(project);
  // TEST_STORE=firestore: every test app runs on the emulator (testing/testApp.ts), so it always starts.
  if (files && process.env.TEST_STORE !== 'firestore' && !someFileNeedsEmulator(files)) {
    provide('', 'not started: no selected test file imports testing/firestoreEmulator');
    return;
  }
  const bin = emulatorBinary();
  if (!emulatorPresent(bin)) {
    provide('', `Firestore emulator absent at ${bin}`);
    return;
  }
  const emulator = await startWarmFirestoreEmulator(bin);
  const queryLog = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-firestore-queries-'));
  provide(emulator.host, '', queryLog);
  return async () => {
    await emulator.stop();
    reportIndexUse(queryLog);
  };
}
