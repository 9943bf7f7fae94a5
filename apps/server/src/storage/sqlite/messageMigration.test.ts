import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { threadCursor } from '../../chat/messageRepo.js';
import { runMigrations } from './migrate.js';
import { MIGRATIONS } from './migrations.js';
import { SqliteStore } from './sqliteStore.js';

const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 0, minute)).toISOString();

describe('SQLite migration 006 (unread counters, thread activity, (sent_at, id) order)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  /** A database as version 5 left it: threads with read markers, messages counted by query. */
  async function v5Database(): Promise<string> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-m006-'));
    dirs.push(dir);
    const old = SqliteStore.inDataDir(dir);
    expect(
      runMigrations(
        old.db,
        MIGRATIONS.filter((m) => m.version <= 5),
      ).current,
    ).toBe(5);
    const db = old.db;
    const conv = db.prepare(
      `INSERT INTO conversations (workspace_id, id, kind, thread_type, direct_key, created_at, last_message_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const member = db.prepare(
      'INSERT INTO conversation_members (workspace_id, conversation_id, user_id, read_up_to) VALUES (?, ?, ?, ?)',
    );
    const message = db.prepare(
      `INSERT INTO messages (workspace_id, conversation_id, id, sender_id, text, sent_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    conv.run('w1', 'grp', 'workspace', 'group', null, at(0), at(5));
    conv.run('w1', 'dm', 'workspace', 'direct', '["alice","bob"]', at(1), null);
    conv.run('w1', 'room', 'room', null, null, at(0), at(3));
    conv.run('w2', 'grp', 'workspace', 'group', null, at(0), at(9));
    member.run('w1', 'grp', 'alice', at(2)); // read 1..2; 3 (bob) and 4 (carol) unread, 5 is her own
    member.run('w1', 'grp', 'bob', null); // never read: 1, 2, 4, 5 are from others
    member.run('w1', 'grp', 'carol', at(5)); // read everything
    member.run('w1', 'dm', 'alice', null);
    member.run('w1', 'dm', 'bob', null);
    member.run('w2', 'grp', 'alice', null);
    const senders = ['alice', 'alice', 'bob', 'carol', 'alice'];
    senders.forEach((s, i) => {
      message.run('w1', 'grp', `old-${i + 1}`, s, `text ${i + 1}`, at(i + 1));
    });
    message.run('w1', 'room', 'room-1', 'bob', 'hi', at(3));
    message.run('w2', 'grp', 'other-ws', 'bob', 'elsewhere', at(9));
    await old.close();
    return dir;
  }

  it('counts existing unread messages once, keeps read markers, and lists threads by activity', async () => {
    const store = SqliteStore.inDataDir(await v5Database());
    try {
      // 006 first, then every later migration (007: the access-log hash chain, …).
      const { applied } = await store.migrate();
      expect(applied[0]).toBe(6);
      expect(applied).toEqual([...applied].sort((a, b) => a - b));
      const unread = (ws: string, id: string, u: string) => store.messages.unreadCount(ws, id, u);
      expect(await unread('w1', 'grp', 'alice')).toBe(2);
      expect(await unread('w1', 'grp', 'bob')).toBe(4);
      expect(await unread('w1', 'grp', 'carol')).toBe(0);
      expect(await unread('w2', 'grp', 'alice')).toBe(1);
      expect(await unread('w1', 'dm', 'alice')).toBe(0);

      const threads = await store.messages.listThreads('w1', 'alice');
      expect(threads.map((s) => [s.conversation.id, s.unread])).toEqual([
        ['grp', 2],
        ['dm', 0],
      ]);
      const next = await store.messages.listThreads('w1', 'alice', {
        limit: 1,
        after: threadCursor((threads[0] as (typeof threads)[0]).conversation),
      });
      expect(next.map((s) => s.conversation.id)).toEqual(['dm']);

      // Old messages still list and page in order; the counters keep working from here on.
      const list = await store.messages.list('w1', 'grp');
      expect(list.map((m) => m.id)).toEqual(['old-1', 'old-2', 'old-3', 'old-4', 'old-5']);
      const page = await store.messages.list('w1', 'grp', { beforeId: 'old-4', limit: 2 });
      expect(page.map((m) => m.id)).toEqual(['old-2', 'old-3']);
      await store.messages.markRead('w1', 'grp', 'bob', at(3)); // the read marker moves on from nothing
      expect(await unread('w1', 'grp', 'bob')).toBe(2);
      await store.messages.markRead('w1', 'grp', 'alice', at(1)); // an old marker does not move back
      expect(await unread('w1', 'grp', 'alice')).toBe(2);
      await store.messages.deleteMessages('w1', 'grp', { sentAtOrBefore: at(3) });
      expect([await unread('w1', 'grp', 'alice'), await unread('w1', 'grp', 'bob')]).toEqual([1, 2]);
      expect(await store.messages.list('w1', 'room')).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
