import { randomBytes } from 'node:crypto';
import { type App, deleteApp, initializeApp } from 'firebase-admin/app';
import { type Firestore, getFirestore } from 'firebase-admin/firestore';
import type { MigrationReport, Repos, Store } from '../store.js';
import { firestoreAccessLog } from './accessLogRepo.js';
import { firestoreAccounts } from './accountRepos.js';
import { DirectContext, type FsContext, runInTransaction } from './context.js';
import { firestoreContracts, firestoreOperatorAudit, firestoreWorkspaceDeletions } from './contractRepos.js';
import { firestoreImages } from './imageRepo.js';
import { firestoreLeases, firestoreMeta } from './jobRepos.js';
import { firestoreMaintenance } from './maintenanceRepo.js';
import { firestoreMessages } from './messageRepo.js';
import { firestoreRooms } from './roomRepo.js';
import { firestoreSso } from './ssoRepo.js';
import { firestoreWorkspaceErasers } from './workspaceErasers.js';
import { firestoreWorkspaces } from './workspaceRepo.js';

/** Bumped when the document layout changes in a way `migrate()` must act on; recorded in `schema/version`. */
export const FIRESTORE_SCHEMA_VERSION = 1;

/** Every repository, bound to one context (direct, or one open transaction). */
export function firestoreRepos(ctx: FsContext): Repos {
  return {
    workspaces: firestoreWorkspaces(ctx),
    accessLog: firestoreAccessLog(ctx),
    leases: firestoreLeases(ctx),
    meta: firestoreMeta(ctx),
    rooms: firestoreRooms(ctx),
    accounts: firestoreAccounts(ctx),
    messages: firestoreMessages(ctx),
    sso: firestoreSso(ctx),
    contracts: firestoreContracts(ctx),
    operatorAudit: firestoreOperatorAudit(ctx),
    workspaceDeletions: firestoreWorkspaceDeletions(ctx),
    images: firestoreImages(ctx),
    maintenance: firestoreMaintenance(ctx),
  };
}

export interface FirestoreStoreOptions {
  /** Must start with `demo-` when an emulator is used (a demo project never reaches Google). */
  projectId: string;
  /** `host:port` of a Firestore emulator; without it the store talks to Google with real credentials. */
  emulatorHost?: string;
  /** How long opening waits for Firestore to answer a first read (default 20 s). */
  connectTimeoutMs?: number;
}

const CONNECT_TIMEOUT_MS = 20_000;

/**
 * One read with a deadline: an unreachable Firestore would otherwise keep the client retrying for many
 * minutes, and the server would sit at start-up without saying why.
 */
async function probe(db: Firestore, where: string, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(`Firestore ${where} did not answer within ${timeoutMs} ms; is it running and reachable?`),
        ),
      timeoutMs,
    );
  });
  try {
    await Promise.race([db.collection('schema').doc('version').get(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Opens the scale-out store on Cloud Firestore (or its emulator) through firebase-admin. Each call gets
 * its own named firebase app, so several stores (tests, tools) live side by side; `close()` deletes it.
 */
export async function openFirestoreStore(opts: FirestoreStoreOptions): Promise<Store> {
  // Without this the Google auth library probes the metadata server (169.254.169.254) off this machine.
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  const { projectId } = opts;
  const emulatorHost = opts.emulatorHost || process.env.FIRESTORE_EMULATOR_HOST || undefined;
  if (!/^[a-z][a-z0-9-]{4,61}[a-z0-9]$/.test(projectId)) {
    throw new Error(
      `FIRESTORE_PROJECT_ID ${JSON.stringify(projectId)} is not a valid Google Cloud project id`,
    );
  }
  if (emulatorHost) {
    if (!projectId.startsWith('demo-')) {
      throw new Error(
        `FIRESTORE_PROJECT_ID must start with "demo-" when a Firestore emulator is used (got "${projectId}" with emulator ${emulatorHost}): a demo project can never reach Google`,
      );
    }
    const envHost = process.env.FIRESTORE_EMULATOR_HOST;
    if (envHost && envHost !== emulatorHost) {
      throw new Error(
        `FIRESTORE_EMULATOR_HOST in the environment (${envHost}) differs from the emulator asked for (${emulatorHost}); firebase-admin would use the environment's`,
      );
    }
  } else if (!process.env.GOOGLE_APPLICATION_CREDENTIALS) {
    throw new Error(
      `Firestore project "${projectId}" without FIRESTORE_EMULATOR_HOST needs GOOGLE_APPLICATION_CREDENTIALS (path to a service-account key file); for local runs set FIRESTORE_EMULATOR_HOST and a demo-* FIRESTORE_PROJECT_ID`,
    );
  }
  const app = initializeApp({ projectId }, `tsudoi-${projectId}-${randomBytes(4).toString('hex')}`);
  const db = getFirestore(app);
  db.settings({
    ignoreUndefinedProperties: true,
    ...(emulatorHost ? { host: emulatorHost, ssl: false } : {}),
  });
  const where = emulatorHost ? `emulator at ${emulatorHost} (project ${projectId})` : `project ${projectId}`;
  try {
    await probe(db, where, opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);
  } catch (err) {
    await deleteApp(app);
    throw err;
  }
  return new FirestoreStore(app, db);
}

/** The Firestore engine: the same repositories as SQLite, over documents (see docs/STORAGE.md). */
export class FirestoreStore implements Store {
  readonly kind = 'firestore' as const;
  readonly workspaces;
  readonly accessLog;
  readonly leases;
  readonly meta;
  readonly rooms;
  readonly accounts;
  readonly messages;
  readonly sso;
  readonly contracts;
  readonly operatorAudit;
  readonly workspaceDeletions;
  readonly erasers;
  readonly images;
  readonly maintenance;
  #closed = false;

  constructor(
    readonly app: App,
    readonly db: Firestore,
  ) {
    const repos = firestoreRepos(new DirectContext(db));
    this.workspaces = repos.workspaces;
    this.accessLog = repos.accessLog;
    this.leases = repos.leases;
    this.meta = repos.meta;
    this.rooms = repos.rooms;
    this.accounts = repos.accounts;
    this.messages = repos.messages;
    this.sso = repos.sso;
    this.contracts = repos.contracts;
    this.operatorAudit = repos.operatorAudit;
    this.workspaceDeletions = repos.workspaceDeletions;
    this.erasers = firestoreWorkspaceErasers(db, repos.contracts);
    this.images = repos.images;
    this.maintenance = repos.maintenance;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Runs `fn` in one Firestore transaction: its writes commit together or not at all, and Firestore may run
   * `fn` again when another transaction touched what it read (see `UnitOfWork`).
   */
  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T> {
    return runInTransaction(this.db, (ctx) => fn(firestoreRepos(ctx)));
  }

  /**
   * Firestore has no schema to create: documents and collections appear on first write, and composite
   * indexes are deployed from `firestore.indexes.json`. It records the layout version in `schema/version`
   * (in a transaction, so concurrent starts agree on who applied it).
   */
  async migrate(): Promise<MigrationReport> {
    const ref = this.db.collection('schema').doc('version');
    return runInTransaction(this.db, async (ctx) => {
      const current = ((await ctx.get(ref)).data()?.version as number | undefined) ?? 0;
      if (current >= FIRESTORE_SCHEMA_VERSION) return { applied: [], current };
      await ctx.set(ref, { version: FIRESTORE_SCHEMA_VERSION, migratedAt: new Date().toISOString() });
      const applied: number[] = [];
      for (let v = current + 1; v <= FIRESTORE_SCHEMA_VERSION; v++) applied.push(v);
      return { applied, current: FIRESTORE_SCHEMA_VERSION };
    });
  }

  /**
   * No-op: on Firestore a deleted document is gone as far as the application can reach; how the bytes
   * leave Google's disks (and backups/PITR) is the engine's, governed by its data-deletion terms, not
   * something a client can hasten.
   */
  async flushDeletions(): Promise<void> {}

  /** Reads `schema/version` (one document), failing after 5 s (the health check bounds it further). */
  async ping(): Promise<void> {
    if (this.#closed) throw new Error('the store is closed');
    await probe(this.db, 'store', 5_000);
  }

  /** Idempotent: deletes the firebase app, which terminates its Firestore client and channels. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await deleteApp(this.app);
  }
}
