import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importViolations, readServerSources } from '../testing/importRules.js';

const SRC = fileURLToPath(new URL('..', import.meta.url));

describe('storage seams: import rules', () => {
  it('the server sources follow them: domains never import storage/, no cycle, no service sees the whole store', () => {
    const files = readServerSources(SRC);
    expect(files.size).toBeGreaterThan(100);
    expect(importViolations(files)).toEqual([]);
  });

  it('names the file of each planted violation', () => {
    const planted = new Map([
      // A domain importing a storage type.
      ['chat/badService.ts', "import type { Repos } from '../storage/store.js';\nexport const x = 1;\n"],
      // A service that takes the whole store.
      [
        'workspaces/greedy.ts',
        "import type { Store } from '../storage/store.js';\nexport class Greedy { constructor(readonly s: Store) {} }\n",
      ],
      // A runtime cycle: storage imports a domain value that imports storage back.
      [
        'storage/sqlite/engine.ts',
        "import { helper } from '../../rooms/helper.js';\nexport const e = helper;\n",
      ],
      [
        'rooms/helper.ts',
        "import { e } from '../storage/sqlite/engine.js';\nexport const helper = () => e;\n",
      ],
      // The factory loading firebase-admin for every deployment.
      ['storage/createStore.ts', "import { openFirestoreStore } from './firestore/firestoreStore.js';\n"],
      // Allowed: type imports of domain types into storage, the composition root, tests.
      [
        'storage/fine.ts',
        "import type { RoomRepo } from '../rooms/roomRepo.js';\nexport type R = RoomRepo;\n",
      ],
      [
        'app.ts',
        "import type { Store } from './storage/store.js';\nimport { createStore } from './storage/createStore.js';\n",
      ],
      ['rooms/room.test.ts', "import { SqliteStore } from '../storage/sqlite/sqliteStore.js';\n"],
    ]);
    const problems = importViolations(planted);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^chat\/badService\.ts imports storage\/store\.ts: a domain never imports storage\//,
        ),
        expect.stringMatching(/^workspaces\/greedy\.ts imports storage\/store\.ts/),
        expect.stringMatching(/^workspaces\/greedy\.ts imports the whole store/),
        expect.stringMatching(/^rooms\/helper\.ts imports storage\/sqlite\/engine\.ts/),
        expect.stringMatching(/^rooms\/helper\.ts imports the whole store/),
        expect.stringMatching(
          /^import cycle between storage\/ and a domain: storage\/sqlite\/engine\.ts -> rooms\/helper\.ts -> storage\/sqlite\/engine\.ts$/,
        ),
        expect.stringMatching(
          /^storage\/createStore\.ts imports storage\/firestore\/firestoreStore\.ts statically/,
        ),
      ]),
    );
    expect(problems).toHaveLength(7);
    expect(problems.join('\n')).not.toMatch(/storage\/fine\.ts|^app\.ts|room\.test\.ts/m);
  });
});
