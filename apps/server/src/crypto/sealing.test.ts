import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageRepo } from '../chat/messageRepo.js';
import { FsBlobStore } from '../storage/blobStore.js';
import { sqliteDataKeys } from '../storage/sqlite/dataKeyRepo.js';
import { SqliteStore } from '../storage/sqlite/sqliteStore.js';
import { DataKeys, MasterKeyMismatchError } from './dataKeys.js';
import { aad, open, SealError, seal } from './envelope.js';
import { developmentKeyring, type MasterKeyring, parseMasterKey } from './masterKey.js';
import { SealedBlobStore } from './sealedBlobStore.js';
import { sealedMessages } from './sealedMessages.js';

const ring = (b64 = randomBytes(32).toString('base64')): MasterKeyring => ({
  current: parseMasterKey(b64),
  previous: [],
  developmentDefault: false,
});

describe('envelope (AES-256-GCM)', () => {
  const key = randomBytes(32);
  it('opens what it sealed with the same key and place, nothing else', () => {
    const sealed = seal(key, Buffer.from('hello'), aad('t', 'ws1'));
    expect(sealed[0]).toBe(1); // version
    expect(open(key, sealed, aad('t', 'ws1')).toString()).toBe('hello');
    expect(() => open(key, sealed, aad('t', 'ws2'))).toThrow(SealError);
    expect(() => open(randomBytes(32), sealed, aad('t', 'ws1'))).toThrow(/does not open/);
    const flipped = Buffer.from(sealed);
    flipped[20]! ^= 1;
    expect(() => open(key, flipped, aad('t', 'ws1'))).toThrow(SealError);
    const v2 = Buffer.from(sealed);
    v2[0] = 2;
    expect(() => open(key, v2, aad('t', 'ws1'))).toThrow(/unknown envelope version 2/);
    // Same plaintext twice: different ciphertexts (fresh nonce).
    expect(seal(key, Buffer.from('hello'), aad('t')).equals(seal(key, Buffer.from('hello'), aad('t')))).toBe(
      false,
    );
  });
  it('keeps the parts of the place apart (no ambiguity from separators)', () => {
    expect(aad('p', 'a|b', 'c').equals(aad('p', 'a', 'b|c'))).toBe(false);
  });
});

describe('sealed messages, blobs and data keys on one store', () => {
  let dir: string;
  let store: SqliteStore;
  let keys: DataKeys;
  let master: MasterKeyring;
  let messages: MessageRepo;
  let now = Date.parse('2026-12-02T00:00:00Z');
  const clock = () => new Date(now);

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-seal-'));
    store = SqliteStore.inDataDir(dir);
    await store.migrate();
    master = ring();
    keys = new DataKeys(sqliteDataKeys(store.db), master, clock);
    messages = sealedMessages(store.messages, keys);
    for (const ws of ['wsA', 'wsB']) {
      await messages.ensureRoomConversation(ws, 'room', clock().toISOString());
      for (const n of [1, 2]) {
        await messages.append({
          id: `${ws}-m${n}`,
          workspaceId: ws,
          conversationId: 'room',
          senderId: 'u1',
          text: `${ws} says ${n}`,
          sentAt: new Date(now + n).toISOString(),
        });
      }
    }
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const setRawText = (ws: string, id: string, text: string) =>
    store.db.prepare('UPDATE messages SET text = ? WHERE workspace_id = ? AND id = ?').run(text, ws, id);
  const rawText = (ws: string, id: string) =>
    (
      store.db.prepare('SELECT text FROM messages WHERE workspace_id = ? AND id = ?').get(ws, id) as {
        text: string;
      }
    ).text;

  it('reads back what was written; the row holds only sealed text', async () => {
    expect((await messages.list('wsA', 'room')).map((m) => m.text)).toEqual(['wsA says 1', 'wsA says 2']);
    expect(rawText('wsA', 'wsA-m1')).toMatch(/^tsd1:[A-Za-z0-9_-]+$/);
    expect(rawText('wsA', 'wsA-m1')).not.toContain('says');
  });

  it('seals a group thread’s title; members see it in the thread and in their list', async () => {
    const t = await messages.createThread({
      workspaceId: 'wsA',
      id: 'thread-1',
      type: 'group',
      title: 'Secret plans',
      memberIds: ['u1', 'u2'],
      createdAt: clock().toISOString(),
    });
    expect(t.title).toBe('Secret plans');
    const raw = store.db.prepare("SELECT title FROM conversations WHERE id = 'thread-1'").get() as {
      title: string;
    };
    expect(raw.title).toMatch(/^tsd1:/);
    expect((await messages.getConversation('wsA', 'thread-1'))?.title).toBe('Secret plans');
    expect((await messages.listThreads('wsA', 'u2')).map((s) => s.conversation.title)).toEqual([
      'Secret plans',
    ]);
    // A title copied to another thread does not open.
    await messages.createThread({
      workspaceId: 'wsA',
      id: 'thread-2',
      type: 'group',
      title: 'Other',
      memberIds: ['u1', 'u2'],
      createdAt: t.createdAt,
    });
    store.db.prepare("UPDATE conversations SET title = ? WHERE id = 'thread-2'").run(raw.title);
    await expect(messages.getConversation('wsA', 'thread-2')).rejects.toThrow(SealError);
  });

  it('refuses a ciphertext moved to another row or to another workspace', async () => {
    setRawText('wsA', 'wsA-m2', rawText('wsA', 'wsA-m1'));
    await expect(messages.list('wsA', 'room')).rejects.toThrow(SealError);
    setRawText('wsB', 'wsB-m1', rawText('wsA', 'wsA-m1'));
    await expect(messages.list('wsB', 'room')).rejects.toThrow(SealError);
  });

  it('still reads a plaintext row written before encryption (development databases)', async () => {
    setRawText('wsB', 'wsB-m2', 'written before R19');
    expect((await messages.list('wsB', 'room')).map((m) => m.text)).toEqual([
      'wsB says 1',
      'written before R19',
    ]);
  });

  it('after a workspace’s data key is destroyed its messages and images are unreadable; another’s are not', async () => {
    const blobs = new SealedBlobStore(new FsBlobStore(dir), keys);
    const img = randomBytes(1000);
    await blobs.put('wsA/img', img);
    await blobs.put('wsB/img', img);
    await keys.destroy('wsA');
    await expect(messages.list('wsA', 'room')).rejects.toMatchObject({ reason: 'key-destroyed' });
    await expect(blobs.get('wsA/img')).rejects.toMatchObject({ reason: 'key-destroyed' });
    // Another instance (fresh cache) cannot read them either.
    const other = new DataKeys(sqliteDataKeys(store.db), master, clock);
    await expect(sealedMessages(store.messages, other).list('wsA', 'room')).rejects.toThrow(SealError);
    expect((await messages.list('wsB', 'room')).map((m) => m.text)).toEqual(['wsB says 1', 'wsB says 2']);
    expect((await blobs.get('wsB/img'))?.equals(img)).toBe(true);
  });

  it('seals blobs bound to their key: a file copied to another name or workspace does not open', async () => {
    const blobs = new SealedBlobStore(new FsBlobStore(dir), keys);
    const img = randomBytes(1000);
    await blobs.put('wsA/one', img);
    const file = (k: string) => path.join(dir, 'blobs', ...k.split('/'));
    expect(fs.readFileSync(file('wsA/one')).includes(img.subarray(0, 64))).toBe(false);
    fs.mkdirSync(path.dirname(file('wsB/one')), { recursive: true });
    fs.copyFileSync(file('wsA/one'), file('wsA/two'));
    fs.copyFileSync(file('wsA/one'), file('wsB/one'));
    await blobs.put('wsB/seed', img); // wsB has a data key
    await expect(blobs.get('wsA/two')).rejects.toThrow(SealError);
    await expect(blobs.get('wsB/one')).rejects.toThrow(SealError);
    expect(await blobs.get('wsA/none')).toBeUndefined();
  });

  it('a second instance gets the same data key; the cache expires so a shred elsewhere takes effect', async () => {
    const other = new DataKeys(sqliteDataKeys(store.db), master, clock, { cacheMs: 60_000 });
    expect((await other.existingKey('wsA')).equals(await keys.existingKey('wsA'))).toBe(true);
    await keys.destroy('wsA');
    expect(await other.existingKey('wsA')).toBeDefined(); // still cached on the other instance
    now += 60_000;
    await expect(other.existingKey('wsA')).rejects.toMatchObject({ reason: 'key-destroyed' });
  });

  it('verify() refuses a master key that does not open the stored data keys', async () => {
    await keys.verify();
    await expect(new DataKeys(sqliteDataKeys(store.db), ring(), clock).verify()).rejects.toThrow(
      MasterKeyMismatchError,
    );
    await expect(
      new DataKeys(sqliteDataKeys(store.db), developmentKeyring(), clock).verify(),
    ).rejects.toThrow(/not configured/);
  });
});
