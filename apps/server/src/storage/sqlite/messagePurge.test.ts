import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqliteStore.js';

// SQLite specifics of the purge step; the engine-neutral behaviour is in messages.contract.ts.

const WS = 'ws-1';
const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 0, minute)).toISOString();

describe('SQLite purgeStep', () => {
  let dir: string;
  let store: SqliteStore;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-purge-step-'));
    store = SqliteStore.inDataDir(dir);
    await store.migrate();
    for (const id of ['a', 'b']) {
      await store.messages.ensureRoomConversation(WS, id, at(0));
      for (let i = 1; i <= 3; i++)
        await store.messages.append({
          id: `${id}-${i}`,
          workspaceId: WS,
          conversationId: id,
          senderId: 'alice',
          text: `secret ${id}${i}`,
          sentAt: at(i),
          ...(i === 1 ? { attachments: [{ id: `${id}-att`, blobKey: `${WS}/${id}.png` }] } : {}),
        });
    }
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const count = (sql: string) => (store.db.prepare(sql).get() as { n: number }).n;
  const targets = [{ conversationId: 'a' }, { conversationId: 'b' }];

  it('commits the rows and the blob queue together: a reopened file after a crash still holds the queue', async () => {
    expect((await store.messages.purgeStep(WS, targets, 100)).blobKeys).toEqual([
      `${WS}/a.png`,
      `${WS}/b.png`,
    ]);
    // The process dies before any blob is removed: what a new process finds on disk.
    const reopened = SqliteStore.inDataDir(dir);
    try {
      expect((reopened.db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n).toBe(0);
      expect((await reopened.messages.pendingBlobDeletes(10)).map((p) => p.blobKey)).toEqual([
        `${WS}/a.png`,
        `${WS}/b.png`,
      ]);
    } finally {
      await reopened.close();
    }
  });

  it('a step that fails midway leaves rows and queue as they were', async () => {
    // Queueing the second conversation's blob fails: the whole step must roll back.
    store.db.exec(`CREATE TRIGGER fail_queue BEFORE INSERT ON blob_deletions WHEN NEW.blob_key = '${WS}/b.png'
      BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    await expect(store.messages.purgeStep(WS, targets, 100)).rejects.toThrow(/disk full/);
    expect(count('SELECT COUNT(*) AS n FROM messages')).toBe(6);
    expect(count('SELECT COUNT(*) AS n FROM attachments')).toBe(2);
    expect(count('SELECT COUNT(*) AS n FROM blob_deletions')).toBe(0);
    expect(await store.messages.lastMessageAt(WS, 'a')).toBe(at(3));
    // Foreign-key checks are back on after the failed step too.
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('runs without per-row key checks yet leaves no attachment without its message; checks are on again after', async () => {
    const res = await store.messages.purgeStep(WS, [{ conversationId: 'a', sentAtOrBefore: at(2) }], 100);
    expect(res.conversations).toEqual([{ conversationId: 'a', messages: 2, attachments: 1, done: true }]);
    expect(store.db.pragma('foreign_key_check')).toEqual([]);
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    // Control: the key is enforced for any other way of deleting a message that has an attachment.
    expect(() => store.db.prepare("DELETE FROM messages WHERE id = 'b-1'").run()).toThrow(/FOREIGN KEY/);
  });
});
