// Encryption at rest (R19) cost on message insert and read, SQLite: the same MessageRepo with and without
// the sealing decorator (crypto/sealedMessages.ts: AES-256-GCM under the workspace's data key, base64url in
// the text column). MESSAGES inserts one by one (as chat does), then PAGES reads of 100-message pages (the
// history call), each variant in its own fresh database, alternating twice. TEXT_BYTES sets the body size.
// Build first (`npx tsc -p apps/server/tsconfig.json`, or SERVER_DIST=<another build>), then
// `nice -n 10 node bench/encryption.mjs`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const dist = pathToFileURL(
  path.resolve(process.env.SERVER_DIST ?? new URL('../apps/server/dist', import.meta.url).pathname),
).href;
const { SqliteStore } = await import(`${dist}/storage/sqlite/sqliteStore.js`);
const { sqliteDataKeys } = await import(`${dist}/storage/sqlite/dataKeyRepo.js`);
const { DataKeys } = await import(`${dist}/crypto/dataKeys.js`);
const { sealedMessages } = await import(`${dist}/crypto/sealedMessages.js`);
const { parseMasterKey } = await import(`${dist}/crypto/masterKey.js`);
const { aad, seal, open } = await import(`${dist}/crypto/envelope.js`);

const N = Number(process.env.MESSAGES ?? 20_000);
const PAGES = Number(process.env.PAGES ?? 2_000);
const TEXT_BYTES = Number(process.env.TEXT_BYTES ?? 200);
const WS = '00000000-0000-4000-8000-000000000001';
const ring = {
  current: parseMasterKey(Buffer.alloc(32, 1).toString('base64')),
  previous: [],
  developmentDefault: false,
};
const text = (i) => `${i} ${'あいうえお hello '.repeat(40)}`.slice(0, TEXT_BYTES);
const T0 = Date.parse('2026-12-01T00:00:00.000Z');

async function run(sealed) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-bench-r19-'));
  const store = SqliteStore.inDataDir(dir);
  await store.migrate();
  const keys = new DataKeys(sqliteDataKeys(store.db), ring, () => new Date());
  const repo = sealed ? sealedMessages(store.messages, keys) : store.messages;
  await repo.ensureRoomConversation(WS, 'room', new Date(T0).toISOString());
  const ids = [];
  let t = performance.now();
  for (let i = 0; i < N; i++) {
    const id = `m${String(i).padStart(8, '0')}`;
    ids.push(id);
    await repo.append({
      id,
      workspaceId: WS,
      conversationId: 'room',
      senderId: 'u1',
      text: text(i),
      sentAt: new Date(T0 + i).toISOString(),
    });
  }
  const insertUs = ((performance.now() - t) * 1000) / N;
  t = performance.now();
  let read = 0;
  for (let p = 0; p < PAGES; p++) {
    const beforeId = ids[100 + ((p * 7919) % (N - 100))];
    read += (await repo.list(WS, 'room', { beforeId, limit: 100 })).length;
  }
  const pageUs = ((performance.now() - t) * 1000) / PAGES;
  const dbBytes = fs.statSync(path.join(dir, 'tsudoi.sqlite')).size;
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return { insertUs, pageUs, read, dbBytes };
}

// The cipher alone, for scale.
const key = Buffer.alloc(32, 2);
const body = Buffer.from(text(1));
let t = performance.now();
const M = 100_000;
let last;
for (let i = 0; i < M; i++) last = seal(key, body, aad('message.text', WS, 'room', `m${i}`));
const sealUs = ((performance.now() - t) * 1000) / M;
t = performance.now();
for (let i = 0; i < M; i++) open(key, last, aad('message.text', WS, 'room', `m${M - 1}`));
const openUs = ((performance.now() - t) * 1000) / M;

const results = { plain: [], sealed: [] };
for (const round of [0, 1]) {
  for (const sealed of round ? [true, false] : [false, true]) {
    results[sealed ? 'sealed' : 'plain'].push(await run(sealed));
  }
}
const best = (rs, k) => Math.min(...rs.map((r) => r[k]));
const fmt = (n) => n.toFixed(1);
const row = (name, k) => {
  const p = best(results.plain, k);
  const s = best(results.sealed, k);
  return `${name.padEnd(28)} plain ${fmt(p).padStart(8)} µs   sealed ${fmt(s).padStart(8)} µs   +${fmt(s - p)} µs (${fmt(((s - p) / p) * 100)} %)`;
};
console.log(
  `R19 encryption cost, SQLite, ${N} messages of ${TEXT_BYTES} chars, ${PAGES} pages of 100 (best of 2)`,
);
console.log(
  `node ${process.version}, ${os.cpus()[0]?.model} ×${os.availableParallelism()}, load ${os.loadavg()[0].toFixed(2)}`,
);
console.log(`cipher alone: seal ${fmt(sealUs)} µs, open ${fmt(openUs)} µs per message body`);
console.log(row('insert (per message)', 'insertUs'));
console.log(row('read a page of 100', 'pageUs'));
console.log(
  `database size: plain ${(best(results.plain, 'dbBytes') / 1e6).toFixed(1)} MB, sealed ${(best(results.sealed, 'dbBytes') / 1e6).toFixed(1)} MB`,
);
