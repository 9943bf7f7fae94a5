import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChatMessageView } from '@tsudoi/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateMasterKeyCli } from '../cli/rotateMasterKey.js';
import { loadConfig } from '../config.js';
import { FsBlobStore } from '../storage/blobStore.js';
import { createStore } from '../storage/createStore.js';
import type { ApiClient } from '../testing/apiClient.js';
import { TestSockets } from '../testing/sockets.js';
import { startTestApp } from '../testing/testApp.js';
import { MasterKeyMismatchError } from './dataKeys.js';
import { SealedBlobStore } from './sealedBlobStore.js';

/**
 * Encryption at rest (R19) end to end: a real server writes messages and an image, and the files under
 * DATA_DIR hold none of it; the master key rotates while a server runs; a wrong master key refuses to start.
 */
const K1 = randomBytes(32).toString('base64');
const K2 = randomBytes(32).toString('base64');
const marker = (what: string) => `R19-${what}-${randomUUID()}`;

let dir: string;
/** The store's location for the next app (same SQLite file, or the same Firestore project). */
let located: Record<string, string>;
let wsId: string;
let threadId: string;
const threadTexts: string[] = [];

/** Every file under DATA_DIR (database, WAL, blobs …) whose raw bytes contain `needle`. */
function filesContaining(needle: Buffer): string[] {
  const hits: string[] = [];
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if (fs.readFileSync(file).includes(needle)) hits.push(path.relative(dir, file));
  }
  return hits;
}

async function history(c: ApiClient, sockets: TestSockets): Promise<string[]> {
  const s = (await sockets.open(c, wsId)).s;
  const r = await s.emitWithAck('chat:history', { to: { kind: 'thread', threadId } });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.data.messages.map((m: ChatMessageView) => m.text);
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-r19-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// Many steps against a real server (sign-ups, sockets, restarts): slow on the Firestore emulator under load.
describe('encryption at rest (R19)', { timeout: 90_000 }, () => {
  it('keeps message text and image bytes out of every file in DATA_DIR, while members read them', async () => {
    const t = await startTestApp({ DATA_DIR: dir, MASTER_KEY: K1 });
    const sockets = new TestSockets(t.app.url);
    try {
      located = { ...t.storeEnv };
      const aikoName = marker('name');
      const benEmail = `${marker('email').toLowerCase()}@example.com`;
      const aiko = await t.signedInUser('aiko@example.com', undefined, aikoName);
      wsId = (await aiko.post('/api/workspaces', { name: 'Secret Co' })).body.id;
      const ben = await t.joinedMember(aiko, wsId, benEmail);
      const benId = (await ben.get('/api/session')).body.user.id;
      const a = (await sockets.open(aiko, wsId)).s;
      const b = (await sockets.open(ben, wsId)).s;

      const roomId = (await a.emitWithAck('room:create', { name: 'Talk' })).data.id;
      await a.emitWithAck('room:join', { roomId });
      await b.emitWithAck('room:join', { roomId });
      const roomText = marker('room');
      expect((await a.emitWithAck('chat:send', { to: { kind: 'room', roomId }, text: roomText })).ok).toBe(
        true,
      );
      threadId = (await a.emitWithAck('thread:open', { memberIds: [benId] })).data.id;
      for (const who of [a, b]) {
        const text = marker('thread');
        threadTexts.push(text);
        const sent = await who.emitWithAck('chat:send', { to: { kind: 'thread', threadId }, text });
        expect(sent.ok).toBe(true);
      }
      const room = await b.emitWithAck('chat:history', { to: { kind: 'room', roomId } });
      expect(room.data.messages.map((m: ChatMessageView) => m.text)).toEqual([roomText]);
      expect(await history(ben, sockets)).toEqual(threadTexts);

      // An image through the server's blob wrapping (same DATA_DIR, same data keys).
      const image = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(4096)]);
      const blobs = new SealedBlobStore(new FsBlobStore(dir), t.app.dataKeys);
      await blobs.put(`${wsId}/image-1`, image);
      expect((await blobs.get(`${wsId}/image-1`))?.equals(image)).toBe(true);

      // Names and addresses read back as they were given (member list, sign-in by address).
      const members = (await aiko.get(`/api/workspaces/${wsId}/members`)).body.members as Array<{
        email: string;
        displayName: string;
      }>;
      expect(members.map((m) => [m.email, m.displayName]).sort()).toEqual(
        [
          ['aiko@example.com', aikoName],
          [benEmail, benEmail.split('@')[0]],
        ].sort(),
      );
      await t.signedInAgain(benEmail);

      // The engine underneath holds only sealed values.
      const engine = await createStore(loadConfig(located).store);
      const raw = await engine.messages.list(wsId, threadId);
      expect(raw.map((m) => m.text.slice(0, 5))).toEqual(['tsd1:', 'tsd1:']);
      const rawMembers = await engine.accounts.memberships.listByWorkspace(wsId);
      expect(rawMembers.map((m) => m.email.slice(0, 6))).toEqual(['tsde1:', 'tsde1:']);
      expect(rawMembers.map((m) => m.displayName).join()).not.toContain(aikoName);

      // The control: the same grep finds text written around the encryption, so it would find a leak.
      const control = marker('control');
      await engine.messages.append({
        id: `zz-${randomUUID()}`,
        workspaceId: wsId,
        conversationId: roomId,
        senderId: benId,
        text: control,
        sentAt: new Date().toISOString(),
      });
      await engine.close();
      await new FsBlobStore(dir).put(`${wsId}/control`, image);
      await t.app.store.flushDeletions(); // the WAL goes into the main file (and is grepped too)

      expect(filesContaining(image.subarray(0, 256))).toEqual([`blobs/${wsId}/control`]);
      for (const text of [roomText, ...threadTexts, aikoName, benEmail]) {
        expect(filesContaining(Buffer.from(text))).toEqual([]);
      }
      if (t.app.store.kind === 'sqlite') {
        expect(filesContaining(Buffer.from(control)).length).toBeGreaterThan(0);
      }
    } finally {
      sockets.closeAll();
      await t.close();
    }
  });

  it('rotates the master key while a server runs: every message stays readable before, during and after', async () => {
    // 1. The server runs with the new key and the old one beside it.
    const t = await startTestApp({ ...located, MASTER_KEY: K2, MASTER_KEY_PREVIOUS: K1 });
    const sockets = new TestSockets(t.app.url);
    try {
      const aiko = await t.signedInAgain('aiko@example.com');
      expect(await history(aiko, sockets)).toEqual(threadTexts);
      // 2. The operator re-wraps the data keys; the server keeps serving.
      const out: string[] = [];
      const code = await rotateMasterKeyCli(
        [],
        { ...located, MASTER_KEY: K2, MASTER_KEY_PREVIOUS: K1 },
        { log: (s) => out.push(s), error: (s) => out.push(s) },
      );
      expect(code).toBe(0);
      // The workspace's data key and the personal-data key (`_personal`).
      expect(JSON.parse(out[0]!)).toMatchObject({ rewrapped: 2 });
      expect(await history(aiko, sockets)).toEqual(threadTexts);
    } finally {
      sockets.closeAll();
      await t.close();
    }
    // 3. The old key is gone from the configuration: a server with the new key alone reads everything.
    const t2 = await startTestApp({ ...located, MASTER_KEY: K2 });
    const sockets2 = new TestSockets(t2.app.url);
    try {
      expect(await history(await t2.signedInAgain('aiko@example.com'), sockets2)).toEqual(threadTexts);
    } finally {
      sockets2.closeAll();
      await t2.close();
    }
  });

  it('refuses to start with a wrong master key (the old one after rotation, a random one, the development key)', async () => {
    const wrong: Record<string, string>[] = [
      { MASTER_KEY: K1 },
      { MASTER_KEY: randomBytes(32).toString('base64') },
      {},
    ];
    for (const env of wrong) {
      await expect(startTestApp({ ...located, ...env })).rejects.toThrow(MasterKeyMismatchError);
    }
    const errors: string[] = [];
    const code = await rotateMasterKeyCli(
      [],
      { ...located, MASTER_KEY: randomBytes(32).toString('base64'), MASTER_KEY_PREVIOUS: K1 },
      { log: () => {}, error: (s) => errors.push(s) },
    );
    expect(code).toBe(2);
    expect(errors[0]).toMatch(/wrong master key: .*not configured/);
  });
});
