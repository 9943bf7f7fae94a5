// Purge benchmark (issue 6): 1,000,000 messages across 10,000 conversations in a temporary SQLite file.
// Reports the purge's wall time and the worst event-loop delay while it ran.
// Build first: `npx turbo run build --filter=@tsudoi/server`, then `npm run purge -w bench`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { RetentionScheduler } from '../apps/server/dist/retention/scheduler.js';
import { FsBlobStore } from '../apps/server/dist/storage/blobStore.js';
import { SqliteStore } from '../apps/server/dist/storage/sqlite/sqliteStore.js';

const CONVERSATIONS = Number(process.env.CONVERSATIONS ?? 10_000);
const PER_CONVERSATION = Number(process.env.PER_CONVERSATION ?? 100);
const WS = 'bench-ws';
const DAY = 86_400_000;
// 01:00 in Tokyo; rooms went quiet 2 days before, threads 31 days before: everything is due.
const NOW = new Date('2026-03-11T16:00:00.000Z');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-bench-purge-'));
const store = SqliteStore.inDataDir(dir);
await store.migrate();
const blobs = new FsBlobStore(dir);
await store.workspaces.create({
  id: WS,
  name: 'Bench',
  plan: 'team',
  timeZone: 'Asia/Tokyo',
  createdAt: NOW.toISOString(),
});

// Seeding is not measured: plain SQL in one transaction. Half rooms, half group threads; one image each.
let t = performance.now();
const db = store.db;
const conv = db.prepare(
  `INSERT INTO conversations (workspace_id, id, kind, thread_type, created_at, last_message_at) VALUES (?, ?, ?, ?, ?, ?)`,
);
const msg = db.prepare(
  'INSERT INTO messages (workspace_id, conversation_id, id, sender_id, text, sent_at) VALUES (?, ?, ?, ?, ?, ?)',
);
const att = db.prepare(
  'INSERT INTO attachments (id, workspace_id, message_id, blob_key) VALUES (?, ?, ?, ?)',
);
const text = 'x'.repeat(120);
db.transaction(() => {
  for (let c = 0; c < CONVERSATIONS; c++) {
    const room = c % 2 === 0;
    const id = `c${String(c).padStart(6, '0')}`;
    const last = NOW.getTime() - (room ? 2 : 31) * DAY;
    conv.run(
      WS,
      id,
      room ? 'room' : 'workspace',
      room ? null : 'group',
      new Date(last - DAY).toISOString(),
      new Date(last).toISOString(),
    );
    for (let m = PER_CONVERSATION - 1; m >= 0; m--) {
      const mid = `${id}-m${m}`;
      msg.run(WS, id, mid, 'alice', text, new Date(last - m * 1000).toISOString());
      if (m === 0) att.run(`${mid}-a`, WS, mid, `${WS}/${mid}.png`);
    }
  }
})();
for (let c = 0; c < CONVERSATIONS; c++)
  await blobs.put(`${WS}/c${String(c).padStart(6, '0')}-m0.png`, new Uint8Array(64));
const seeded = db.prepare('SELECT COUNT(*) AS n FROM messages').get().n;
const fileMb = fs.statSync(path.join(dir, 'tsudoi.sqlite')).size / 1e6;
console.log(
  `seeded ${seeded} messages in ${CONVERSATIONS} conversations (${fileMb.toFixed(0)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
);

const log = { info() {}, warn: console.warn, error: console.error };
const scheduler = new RetentionScheduler({ store, blobs, log, now: () => NOW });
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
t = performance.now();
const report = await scheduler.runZone('Asia/Tokyo');
const elapsed = performance.now() - t;
delay.disable();
clearInterval(ticker);
await scheduler.stop();

const left = db
  .prepare('SELECT (SELECT COUNT(*) FROM messages) + (SELECT COUNT(*) FROM attachments) AS n')
  .get().n;
const blobsLeft = fs.readdirSync(path.join(blobs.root, WS)).length;
console.log(
  JSON.stringify({
    status: report.status,
    conversations: report.conversations,
    messages: report.messages,
    attachments: report.attachments,
    rowsLeft: left,
    blobsLeft,
  }),
);
console.log(
  `purge: ${(elapsed / 1000).toFixed(2)} s, ${Math.round(report.messages / (elapsed / 1000))} messages/s`,
);
const stall = (ns) => Math.max(0, ns / 1e6 - RESOLUTION).toFixed(1);
console.log(
  `event-loop delay during purge (beyond the ${RESOLUTION} ms sampling interval): max ${stall(delay.max)} ms, ` +
    `p99 ${stall(delay.percentile(99))} ms, mean ${stall(delay.mean)} ms; worst 10 ms-ticker lateness ${worstTick.toFixed(1)} ms`,
);
await store.close();
fs.rmSync(dir, { recursive: true, force: true });
if (left !== 0 || blobsLeft !== 0 || report.messages !== seeded) process.exit(1);
