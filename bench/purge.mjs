// Purge benchmark (issues 6, 10): messages across conversations, purged as the 01:00 job does it.
// STORE=sqlite (default): 1,000,000 messages / 10,000 conversations in a temporary SQLite file.
// STORE=firestore: 100,000 messages / 1,000 conversations on the Firestore emulator (started here unless
// FIRESTORE_EMULATOR_HOST names a running one), a fresh demo project per run.
// Reports the purge's wall time and the worst event-loop delay while it ran.
// Build first: `npx turbo run build --filter=@tsudoi/server`, then `npm run purge -w bench`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

// SERVER_DIST: another build of apps/server (e.g. `tsc --outDir apps/server/.tmp/dist`), default dist/.
const dist = pathToFileURL(
  path.resolve(process.env.SERVER_DIST ?? new URL('../apps/server/dist', import.meta.url).pathname),
).href;
const { RetentionScheduler } = await import(`${dist}/retention/scheduler.js`);
const { FsBlobStore } = await import(`${dist}/storage/blobStore.js`);
const { createStore } = await import(`${dist}/storage/createStore.js`);

const KIND = process.env.STORE ?? 'sqlite';
if (KIND !== 'sqlite' && KIND !== 'firestore')
  throw new Error(`STORE must be sqlite or firestore, not ${KIND}`);
// Firestore helpers only when asked for (like createStore, which loads firebase-admin only then).
const fsb =
  KIND === 'firestore'
    ? {
        ...(await import('./support/firestoreEmulator.mjs')),
        ...(await import('./support/firestoreMessages.mjs')),
      }
    : undefined;
const CONVERSATIONS = Number(process.env.CONVERSATIONS ?? (KIND === 'sqlite' ? 10_000 : 1_000));
const PER_CONVERSATION = Number(process.env.PER_CONVERSATION ?? 100);
const WS = 'bench-ws';
const DAY = 86_400_000;
// 01:00 in Tokyo; rooms went quiet 2 days before, threads 31 days before: everything is due.
const NOW = new Date('2026-03-11T16:00:00.000Z');
const lastAt = (room) => NOW.getTime() - (room ? 2 : 31) * DAY;
const text = 'x'.repeat(120);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-bench-purge-'));
let emulator;
let store;
if (KIND === 'sqlite') store = await createStore({ kind: 'sqlite', dataDir: dir });
else {
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  let host = process.env.FIRESTORE_EMULATOR_HOST;
  if (!host) {
    emulator = await fsb.startFirestoreEmulator();
    host = emulator.host;
  }
  const projectId = `demo-bench-purge-${Date.now().toString(36)}`;
  store = await createStore({ kind: 'firestore', projectId, emulatorHost: host });
  console.log(`Firestore emulator ${host}${emulator ? ' (started here)' : ''}, project ${projectId}`);
}
await store.migrate();
const blobs = new FsBlobStore(dir);
await store.workspaces.create({
  id: WS,
  name: 'Bench',
  plan: 'team',
  timeZone: 'Asia/Tokyo',
  createdAt: NOW.toISOString(),
});

// Seeding is not measured. Half rooms, half group threads (members alice, who sent everything, and bob,
// who read nothing: the purge also brings bob's unread counters back to zero); one image each.
let t = performance.now();
if (KIND === 'sqlite') seedSqlite(store.db);
else
  await fsb.seedFirestoreMessages(store.db, {
    ws: WS,
    conversations: CONVERSATIONS,
    perConversation: PER_CONVERSATION,
    lastAt: (_c, room) => lastAt(room),
    text,
  });
for (let c = 0; c < CONVERSATIONS; c++)
  await blobs.put(`${WS}/${convId(c)}-m${msgSuffix(0)}.png`, new Uint8Array(64));
const seeded = CONVERSATIONS * PER_CONVERSATION;
const size =
  KIND === 'sqlite' ? ` (${(fs.statSync(path.join(dir, 'tsudoi.sqlite')).size / 1e6).toFixed(0)} MB)` : '';
console.log(
  `${KIND}: seeded ${seeded} messages in ${CONVERSATIONS} conversations${size} in ${((performance.now() - t) / 1000).toFixed(1)} s`,
);

function convId(c) {
  return `c${String(c).padStart(6, '0')}`;
}
// The Firestore seed pads message numbers to 4 digits; the SQLite one follows it.
function msgSuffix(m) {
  return String(m).padStart(4, '0');
}

function seedSqlite(db) {
  const conv = db.prepare(
    `INSERT INTO conversations (workspace_id, id, kind, thread_type, created_at, last_message_at) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const member = db.prepare(
    `INSERT INTO conversation_members (workspace_id, conversation_id, user_id, unread, activity_at) VALUES (?, ?, ?, ?, ?)`,
  );
  const msg = db.prepare(
    'INSERT INTO messages (workspace_id, conversation_id, id, sender_id, text, sent_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const att = db.prepare(
    'INSERT INTO attachments (id, workspace_id, message_id, blob_key) VALUES (?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (let c = 0; c < CONVERSATIONS; c++) {
      const room = c % 2 === 0;
      const id = convId(c);
      const last = lastAt(room);
      const lastIso = new Date(last).toISOString();
      conv.run(
        WS,
        id,
        room ? 'room' : 'workspace',
        room ? null : 'group',
        new Date(last - DAY).toISOString(),
        lastIso,
      );
      if (!room) {
        member.run(WS, id, 'alice', 0, lastIso);
        member.run(WS, id, 'bob', PER_CONVERSATION, lastIso);
      }
      for (let m = PER_CONVERSATION - 1; m >= 0; m--) {
        const mid = `${id}-m${msgSuffix(m)}`;
        msg.run(WS, id, mid, 'alice', text, new Date(last - m * 1000).toISOString());
        if (m === 0) att.run(`${mid}-a`, WS, mid, `${WS}/${mid}.png`);
      }
    }
  })();
}

const log = { info() {}, warn: console.warn, error: console.error };
// `store` for the scheduler before the storage seams, `repos` + `flushDeletions` after them.
const scheduler = new RetentionScheduler({
  store,
  repos: store,
  flushDeletions: () => store.flushDeletions(),
  blobs,
  log,
  now: () => NOW,
});
// The histogram records whole sampling intervals, so its floor is the resolution; subtract it for the stall.
const RESOLUTION = 5;
const delay = monitorEventLoopDelay({ resolution: RESOLUTION });
// A 10 ms ticker stands in for socket traffic: its worst lateness is what a client would feel.
let worstTick = 0;
let last = performance.now();
const ticker = setInterval(() => {
  const n = performance.now();
  worstTick = Math.max(worstTick, n - last - 10);
  last = n;
}, 10);
delay.enable();
const loadBefore = os.loadavg()[0];
const elu0 = performance.eventLoopUtilization();
const cpu0 = process.cpuUsage();
t = performance.now();
const report = await scheduler.runZone('Asia/Tokyo');
const elapsed = performance.now() - t;
const cpu = process.cpuUsage(cpu0);
const elu = performance.eventLoopUtilization(elu0);
delay.disable();
clearInterval(ticker);
await scheduler.stop();

let left;
if (KIND === 'sqlite') {
  const n = (sql) => store.db.prepare(sql).get().n;
  left = {
    messages: n('SELECT COUNT(*) AS n FROM messages') + n('SELECT COUNT(*) AS n FROM attachments'),
    queued: n('SELECT COUNT(*) AS n FROM blob_deletions'),
    membersWithUnread: n('SELECT COUNT(*) AS n FROM conversation_members WHERE unread > 0'),
  };
} else left = await fsb.countFirestoreLeft(store.db, WS);
const blobsLeft = fs.readdirSync(path.join(blobs.root, WS)).length;
console.log(
  JSON.stringify({
    store: KIND,
    status: report.status,
    conversations: report.conversations,
    messages: report.messages,
    attachments: report.attachments,
    rowsLeft: left.messages,
    blobsQueued: left.queued,
    membersWithUnread: left.membersWithUnread,
    blobsLeft,
  }),
);
console.log(
  `purge: ${(elapsed / 1000).toFixed(2)} s, ${Math.round(report.messages / (elapsed / 1000))} messages/s`,
);
// CPU time of this process (all threads, incl. the blob deletions in libuv's pool) and how much of the
// wall time the event loop was busy: on a loaded machine the wall time also counts waiting for a core.
console.log(
  `cpu: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (user ${(cpu.user / 1e6).toFixed(2)}, system ${(cpu.system / 1e6).toFixed(2)}); ` +
    `event loop busy ${(elu.active / 1000).toFixed(2)} s of ${(elapsed / 1000).toFixed(2)} s; load avg (1 min) before ${loadBefore.toFixed(2)}`,
);
const stall = (ns) => Math.max(0, ns / 1e6 - RESOLUTION).toFixed(1);
console.log(
  `event-loop delay during purge (beyond the ${RESOLUTION} ms sampling interval): max ${stall(delay.max)} ms, ` +
    `p99 ${stall(delay.percentile(99))} ms, mean ${stall(delay.mean)} ms; worst 10 ms-ticker lateness ${worstTick.toFixed(1)} ms`,
);
await store.close();
await emulator?.stop();
fs.rmSync(dir, { recursive: true, force: true });
const clean = left.messages === 0 && left.queued === 0 && left.membersWithUnread === 0 && blobsLeft === 0;
if (!clean || report.messages !== seeded) process.exit(1);
