import { randomUUID } from 'node:crypto';
import type { DocumentReference, WriteBatch } from 'firebase-admin/firestore';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeIfFirestore, firestoreTestStore } from '../../testing/firestoreEmulator.js';
import { BATCH_LIMIT } from './context.js';
import type { FirestoreStore } from './firestoreStore.js';
import { conversationRef, memberRef, messagesOf } from './messageRepo.shared.js';

const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

describeIfFirestore('Firestore message purge', () => {
  let store: FirestoreStore;
  let ws: string;
  /** Every committed batch: the paths it wrote, by kind. */
  let commits: Array<{ deletes: string[]; sets: string[]; updates: string[] }>;

  beforeEach(async () => {
    store = (await firestoreTestStore()) as FirestoreStore;
    ws = randomUUID();
    commits = [];
    const make = store.db.batch.bind(store.db);
    store.db.batch = () => {
      const batch = make();
      const seen = { deletes: [] as string[], sets: [] as string[], updates: [] as string[] };
      const wrap = <K extends 'delete' | 'set' | 'update'>(k: K, into: string[]) => {
        const original = batch[k].bind(batch) as (ref: DocumentReference, ...rest: unknown[]) => WriteBatch;
        (batch as unknown as Record<K, unknown>)[k] = (ref: DocumentReference, ...rest: unknown[]) => {
          into.push(ref.path);
          return original(ref, ...rest);
        };
      };
      wrap('delete', seen.deletes);
      wrap('set', seen.sets);
      wrap('update', seen.updates);
      const commit = batch.commit.bind(batch);
      batch.commit = async () => {
        const r = await commit();
        commits.push(seen);
        return r;
      };
      return batch;
    };
  });
  afterEach(async () => {
    await store.close();
  });

  /** A group thread of alice and bob with `n` messages from alice, each with one image; bob read none. */
  async function seedThread(id: string, n: number) {
    await store.messages.createThread({
      workspaceId: ws,
      id,
      type: 'group',
      memberIds: ['alice', 'bob'],
      createdAt: at(0),
    });
    const db = store.db;
    for (let start = 0; start < n; start += 400) {
      const b = db.batch();
      for (let i = start; i < Math.min(n, start + 400); i++) {
        const mid = `m${String(i).padStart(5, '0')}`;
        b.set(messagesOf(db, ws, id).doc(mid), {
          senderId: 'alice',
          text: `message ${i}`,
          sentAt: at(i + 1),
          attachments: [{ id: `a${i}`, blobKey: `${ws}/${mid}.png` }],
        });
      }
      await b.commit();
    }
    await db.runTransaction(async (tx) => {
      tx.update(conversationRef(db, ws, id), { lastMessageAt: at(n), hasMessages: true, activityAt: at(n) });
      tx.update(memberRef(db, ws, id, 'bob'), { unread: n, activityAt: at(n) });
      tx.update(memberRef(db, ws, id, 'alice'), { activityAt: at(n) });
    });
    commits = [];
  }

  it('deletes a conversation larger than a batch in commits of at most 500 writes, each message with its blob', async () => {
    await seedThread('big', 520);
    expect(await store.messages.unreadCount(ws, 'big', 'bob')).toBe(520);
    expect(await store.messages.workspacesWithMessages()).toContain(ws);

    const res = await store.messages.deleteMessages(ws, 'big');
    expect(res).toMatchObject({ messages: 520, attachments: 520, done: true });
    expect(res.blobKeys).toHaveLength(520);
    expect(commits.length).toBeGreaterThanOrEqual(3); // 1,040 writes at least
    for (const c of commits) {
      expect(c.deletes.length + c.sets.length + c.updates.length).toBeLessThanOrEqual(BATCH_LIMIT);
      // The queue entry of each deleted message's image is in the same commit as the delete.
      const queued = new Set(c.sets.map((p) => decodeURIComponent(p.split('/')[1] ?? '')));
      for (const p of c.deletes) expect(queued.has(`${ws}/${p.split('/').at(-1)}.png`)).toBe(true);
    }
    expect(await store.messages.list(ws, 'big')).toEqual([]);
    expect(await store.messages.unreadCount(ws, 'big', 'bob')).toBe(0);
    expect(await store.messages.lastMessageAt(ws, 'big')).toBeUndefined();
    expect(await store.messages.pendingBlobDeletes(1000)).toHaveLength(520);
    expect(await store.messages.workspacesWithMessages()).not.toContain(ws);
  }, 60_000); // seeds and deletes over a thousand documents: slow on a busy emulator

  it('a purge racing an append never loses the new message or hides the workspace from the next purge', async () => {
    await seedThread('busy', 450);
    const late = {
      id: 'late',
      workspaceId: ws,
      conversationId: 'busy',
      senderId: 'alice',
      text: 'still here',
      sentAt: at(10_000),
    };
    const [res] = await Promise.all([
      store.messages.deleteMessages(ws, 'busy', { sentAtOrBefore: at(450) }),
      store.messages.append(late),
    ]);
    expect(res).toMatchObject({ messages: 450, done: true });
    expect((await store.messages.list(ws, 'busy')).map((m) => m.id)).toEqual(['late']);
    expect(await store.messages.lastMessageAt(ws, 'busy')).toBe(at(10_000));
    expect(await store.messages.unreadCount(ws, 'busy', 'bob')).toBe(1);
    expect(await store.messages.workspacesWithMessages()).toContain(ws);
    // Inside a unit of work the purge refuses: it is bulk work, not a transaction's.
    await expect(store.transaction((tx) => tx.messages.deleteMessages(ws, 'busy'))).rejects.toThrow(
      /bulk work/,
    );
  });
});
