// People written straight into a cluster's store, for the socket benchmarks at thousands of people
// (SEED=direct). Signing up over HTTP on the Firestore emulator takes ~1.2 s a person (3,000 people: an hour);
// the socket benchmarks measure arrival, floor and chat, not sign-up. The owner and the workspace are still
// made over HTTP (`seedWorkspace` with no members); every member is then written with the server's own
// repositories (apps/server/dist) through the same sealing view a node uses, so the nodes read them as they
// read anyone: an account with a verified email, an active membership and a signed-in session whose cookie
// token only this process knows. Not timed. What it skips is what sign-up does besides: mail, password
// hashing and the access log.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client, pool, seedWorkspace } from './people.mjs';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../apps/server/dist');
const load = (file) => import(pathToFileURL(path.join(dist, file)).href);

/** The store a node with `env` opens, through the sealing view (encryption at rest, R19). */
async function openNodeStore(env) {
  const { loadConfig } = await load('config.js');
  const { createStore } = await load('storage/createStore.js');
  const { dataKeyRepoOf } = await load('storage/dataKeyRepo.js');
  const { DataKeys } = await load('crypto/dataKeys.js');
  const { sealedStore } = await load('storage/sealedStore.js');
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', DATA_DIR: '/nonexistent', ...env });
  const engine = await createStore(config.store);
  const keys = new DataKeys(await dataKeyRepoOf(engine), config.masterKeys, () => new Date());
  await keys.verify();
  return { store: await sealedStore(engine, keys), close: () => engine.close() };
}

/**
 * An owner (over HTTP at `url`) and `members` members (written to the store the nodes started with
 * `nodeEnv` share). Resolves as `seedWorkspace` does: `{ ws, people: [owner, ...members] }`.
 */
export async function seedDirect(url, nodeEnv, members, concurrency = 32) {
  const { owner, ws } = await seedWorkspace(url, 0, 1, members + 1);
  const { store, close } = await openNodeStore(nodeEnv);
  // A session's stored id is the hash of its cookie token, as the server makes them.
  const { newToken, tokenHash } = await load('auth/tokens.js');
  try {
    const pad = (i) => String(i).padStart(5, '0');
    const joined = await pool(
      Array.from({ length: members }, (_, i) => i),
      concurrency,
      async (i) => {
        const now = new Date().toISOString();
        const email = `member${pad(i)}@bench.example`;
        const userId = randomUUID();
        const created = await store.accounts.users.create({
          id: userId,
          email,
          displayName: `Member ${i}`,
          locale: 'en',
          passwordHash: null,
          passwordChangedAt: null,
          emailVerifiedAt: now,
          mfaEnabled: true,
          failedSignins: 0,
          lockedUntil: null,
          createdAt: now,
        });
        if (!created) throw new Error(`${email} exists already: seed a fresh store`);
        await store.accounts.memberships.add({
          workspaceId: ws.id,
          userId,
          role: 'member',
          status: 'active',
          joinedAt: now,
        });
        const cookie = newToken();
        await store.accounts.sessions.create({
          id: tokenHash(cookie),
          userId,
          csrfToken: newToken(),
          method: 'bench-seed',
          createdAt: now,
          lastSeenAt: now,
          expiresAt: new Date(Date.now() + 12 * 3_600_000).toISOString(),
          ip: '127.0.0.1',
          userAgent: 'bench',
        });
        const c = new Client(url);
        c.cookies.set('tsudoi_session', cookie);
        return { c, email, userId };
      },
    );
    return { owner, ws, people: [owner, ...joined] };
  } finally {
    await close();
  }
}
