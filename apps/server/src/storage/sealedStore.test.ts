import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DataKeys } from '../crypto/dataKeys.js';
import { parseMasterKey } from '../crypto/masterKey.js';
import { DETERMINISTIC_PREFIX } from '../crypto/personalData.js';
import { describeIfFirestore, firestoreTestStore } from '../testing/firestoreEmulator.js';
import { userRecord } from './contracts/accountFixtures.js';
import { describeAccountContracts } from './contracts/accounts.contract.js';
import { dataKeyRepoOf } from './dataKeyRepo.js';
import { describeMessageRepoContract } from './messages.contract.js';
import { sealedStore } from './sealedStore.js';
import { SqliteStore } from './sqlite/sqliteStore.js';
import type { Store } from './store.js';

/**
 * The sealing view (R19) keeps every repository contract: the account and message suites run through it
 * on both engines, and the engine underneath holds only sealed values.
 */
const ring = {
  current: parseMasterKey(randomBytes(32).toString('base64')),
  previous: [],
  developmentDefault: false,
};

async function seal<S extends Store>(engine: S): Promise<S> {
  await engine.migrate();
  return sealedStore(engine, new DataKeys(await dataKeyRepoOf(engine), ring, () => new Date()));
}

const sqlite = async () => seal(new SqliteStore(':memory:'));

describeAccountContracts('sqlite, sealed', sqlite);
describeMessageRepoContract('sqlite, sealed', sqlite);

// On Firestore the account suite only: its email locks and unique addresses are engine documents keyed by
// the (sealed) address. The message view seals and opens values the same way whatever the engine below
// (the SQLite run above), and the plain Firestore message suite runs in firestore/messageRepo.test.ts.
describeIfFirestore('sealed Firestore store', () => {
  describeAccountContracts('firestore, sealed', async () => seal(await firestoreTestStore()));
});

describe('personal data at rest (SQLite)', () => {
  it('stores emails sealed deterministically and names sealed; finds accounts by address in any case', async () => {
    const engine = new SqliteStore(':memory:');
    const store = await seal(engine);
    const u = userRecord({ email: 'Aiko.Tanaka@Example.com', displayName: '田中 愛子' });
    expect(await store.accounts.users.create(u)).toBe(true);
    const row = engine.db.prepare('SELECT email, display_name FROM users WHERE id = ?').get(u.id) as {
      email: string;
      display_name: string;
    };
    expect(row.email.startsWith(DETERMINISTIC_PREFIX)).toBe(true);
    expect(row.email).toBe(row.email.toLowerCase()); // an engine's toLowerCase() keeps it intact
    expect(row.email).not.toContain('aiko');
    expect(row.display_name).toMatch(/^tsd1:/);
    expect(await store.accounts.users.getByEmail('AIKO.tanaka@example.COM')).toMatchObject({
      id: u.id,
      email: 'aiko.tanaka@example.com',
      displayName: '田中 愛子',
    });
    expect(await store.accounts.users.create(userRecord({ email: 'aiko.tanaka@example.com' }))).toBe(false);
    await store.accounts.users.update(u.id, { displayName: 'Aiko' });
    expect((await store.accounts.users.getById(u.id))?.displayName).toBe('Aiko');
    expect(JSON.stringify(engine.db.prepare('SELECT * FROM users').all())).not.toMatch(/Aiko|aiko/);
    await store.close();
  });

  it('still finds an account written before R19 (plain address) and will not create a second one for it', async () => {
    const engine = new SqliteStore(':memory:');
    const store = await seal(engine);
    const old = userRecord({ email: 'old@example.com', displayName: 'Old' });
    await engine.accounts.users.create(old); // straight into the engine, as before encryption
    expect(await store.accounts.users.getByEmail('OLD@example.com')).toMatchObject({
      id: old.id,
      displayName: 'Old',
    });
    expect(await store.accounts.users.create(userRecord({ email: 'old@example.com' }))).toBe(false);
    await store.close();
  });

  it('lists members by their real names and shows invitation addresses in clear', async () => {
    const engine = new SqliteStore(':memory:');
    const store = await seal(engine);
    const ws = randomUUID();
    await store.workspaces.create({
      id: ws,
      name: 'W',
      plan: 'free',
      timeZone: 'UTC',
      createdAt: '2026-12-01T00:00:00Z',
    });
    for (const name of ['Chie', 'Aiko', 'Ben']) {
      const u = userRecord({ displayName: name });
      await store.accounts.users.create(u);
      await store.accounts.memberships.add({
        workspaceId: ws,
        userId: u.id,
        role: 'member',
        status: 'active',
        joinedAt: '2026-12-01T00:00:00Z',
      });
    }
    expect((await store.accounts.memberships.listByWorkspace(ws)).map((m) => m.displayName)).toEqual([
      'Aiko',
      'Ben',
      'Chie',
    ]);
    const invite = {
      id: randomUUID(),
      workspaceId: ws,
      tokenHash: randomUUID(),
      email: 'new@example.com',
      role: 'member' as const,
      invitedBy: 'x',
      createdAt: '2026-12-01T00:00:00Z',
      expiresAt: '2026-12-08T00:00:00Z',
      acceptedAt: null,
      revokedAt: null,
    };
    await store.accounts.invitations.create(invite);
    expect(
      (await store.accounts.invitations.pendingFor(ws, 'NEW@example.com', '2026-12-02T00:00:00Z'))?.email,
    ).toBe('new@example.com');
    expect(
      await store.accounts.invitations.createAllNew(
        [{ ...invite, id: randomUUID() }],
        '2026-12-02T00:00:00Z',
      ),
    ).toEqual({
      pending: 'new@example.com',
    });
    expect(JSON.stringify(engine.db.prepare('SELECT email FROM invitations').all())).not.toContain('new@');
    await store.close();
  });
});
