import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChatPurged } from '@tsudoi/protocol';
import Database from 'better-sqlite3';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../testing/apiClient.js';
import { nextEvent, TestSockets } from '../testing/sockets.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';

// R8: deleted message text must not stay readable anywhere under DATA_DIR (SQLite file, WAL, blobs…).
// Message text is sealed at rest (R19), so its plaintext is never on disk; what must go is the stored form:
// the sealed text (`tsd1:` + base64url, unique per message), grepped like the plaintext would be.

const DAY = 24 * 60 * 60_000;

/** Every file under `dir` (relative path + encoding) whose bytes contain `text` as UTF-8 or UTF-16. */
function filesContaining(dir: string, text: string): string[] {
  const utf16le = Buffer.from(text, 'utf16le');
  const needles: Array<[string, Buffer]> = [
    ['utf8', Buffer.from(text, 'utf8')],
    ['utf16le', utf16le],
    ['utf16be', Buffer.from(utf16le).swap16()],
  ];
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const bytes = fs.readFileSync(p);
        for (const [enc, needle] of needles)
          if (bytes.includes(needle)) hits.push(`${path.relative(dir, p)} (${enc})`);
      }
    }
  };
  walk(dir);
  return hits;
}

/** A marker no other test writes; non-ASCII so UTF-8 and UTF-16 differ. */
const marker = (what: string) => `秘密-${what}-${randomUUID()}`;

let t: TestApp;
let dataDir: string;
let sockets: TestSockets;
let aiko: ApiClient;
let ben: ApiClient;
let wsId: string;
let benId: string;
const gone: string[] = [];
const kept: string[] = [];

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-erasure-'));
  t = await startTestApp({ DATA_DIR: dataDir });
  sockets = new TestSockets(t.app.url);
  aiko = await t.signedInUser('aiko-r8@example.com');
  wsId = (await aiko.post('/api/workspaces', { name: 'Erasure Co' })).body.id;
  ben = await t.joinedMember(aiko, wsId, 'ben-r8@example.com');
  benId = (await ben.get('/api/session')).body.user.id;
});
afterAll(async () => {
  sockets?.closeAll();
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Sends a message; returns the text as the store keeps it on disk (sealed), read with a raw connection. */
const send = async (s: Socket, to: object, text: string): Promise<string> => {
  const ack = await s.emitWithAck('chat:send', { to, text });
  expect(ack).toMatchObject({ ok: true });
  const db = new Database(path.join(dataDir, 'tsudoi.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const row = db
      .prepare('SELECT text FROM messages WHERE workspace_id = ? AND id = ?')
      .get(wsId, ack.data.id) as { text: string } | undefined;
    expect(row?.text).toMatch(/^tsd1:/);
    // Sealed: the plaintext is in no file even while the message exists.
    expect(filesContaining(dataDir, text)).toEqual([]);
    return row!.text;
  } finally {
    db.close();
  }
};

describe('deletion is real on disk (R8)', () => {
  it('a room message is unreadable in every DATA_DIR file once the room empties', async () => {
    const a = (await sockets.open(aiko, wsId)).s;
    const b = (await sockets.open(ben, wsId)).s;
    const roomId = (await a.emitWithAck('room:create', { name: 'Vanishing' })).data.id;
    const otherId = (await a.emitWithAck('room:create', { name: 'Still talking' })).data.id;
    await a.emitWithAck('room:join', { roomId });
    await b.emitWithAck('room:join', { roomId });
    const secret = await send(a, { kind: 'room', roomId }, marker('room'));
    const reply = await send(b, { kind: 'room', roomId }, `re: ${marker('room')}`);
    // Negative control: the grep does find a message that is still there.
    expect(filesContaining(dataDir, secret)).not.toEqual([]);
    expect(filesContaining(dataDir, reply)).not.toEqual([]);

    await a.emitWithAck('room:leave', { roomId });
    const purged = nextEvent<ChatPurged>(a, 'chat:purged', (p) => p.conversationId === roomId);
    await b.emitWithAck('room:leave', { roomId });
    await purged;
    expect(filesContaining(dataDir, secret)).toEqual([]);
    expect(filesContaining(dataDir, reply)).toEqual([]);
    gone.push(secret);

    // The flush removed only what was deleted: a room still in use keeps its conversation on disk.
    await b.emitWithAck('room:join', { roomId: otherId });
    const live = await send(b, { kind: 'room', roomId: otherId }, marker('live-room'));
    expect(filesContaining(dataDir, live)).not.toEqual([]);
  });

  it('a workspace message is unreadable in every DATA_DIR file after its retention purge', async () => {
    const a = (await sockets.open(aiko, wsId)).s;
    const thread = (await a.emitWithAck('thread:open', { memberIds: [benId] })).data;
    const secret = await send(a, { kind: 'thread', threadId: thread.id }, marker('thread'));
    expect(filesContaining(dataDir, secret)).not.toEqual([]);

    // Quiet for 30 days, then past the next 01:00 in the workspace's zone.
    t.advance(31 * DAY + 2 * 60 * 60_000);
    // A month later every session has expired and its sockets are being closed (how soon depends on the
    // machine's speed): Aiko signs in again for the message that must survive.
    aiko = await t.signedInAgain('aiko-r8@example.com');
    const a2 = (await sockets.open(aiko, wsId)).s;
    const other = (await a2.emitWithAck('thread:open', { memberIds: [benId], title: 'fresh' })).data;
    const recent = await send(a2, { kind: 'thread', threadId: other.id }, marker('recent'));
    expect(filesContaining(dataDir, secret)).not.toEqual([]); // nothing ran yet

    const reports = await t.app.retention.runDue();
    expect(reports.reduce((n, r) => n + r.messages, 0)).toBeGreaterThanOrEqual(1);
    expect(filesContaining(dataDir, secret)).toEqual([]);
    gone.push(secret);
    // Younger than 30 days: kept, and still readable where the store keeps it.
    expect(filesContaining(dataDir, recent)).not.toEqual([]);
    kept.push(recent);
  });

  it('stays unreadable after the server closed and flushed its files', async () => {
    expect(gone).toHaveLength(2);
    sockets.closeAll();
    await t.app.close();
    expect(fs.readdirSync(dataDir)).toContain('tsudoi.sqlite');
    for (const secret of gone) expect(filesContaining(dataDir, secret)).toEqual([]);
    for (const live of kept) expect(filesContaining(dataDir, live)).not.toEqual([]);
  });
});
