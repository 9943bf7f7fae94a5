import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageIdGenerator } from '../chat/messageIds.js';
import { type Message, type ThreadSummary, threadCursor } from '../chat/messageRepo.js';
import type { Store } from './store.js';

/**
 * The contract every engine's MessageRepo passes (see store.contract.ts). The factory returns a fresh,
 * empty, migrated store.
 */
export function describeMessageRepoContract(engine: string, makeStore: () => Promise<Store>) {
  describe(`MessageRepo contract: ${engine}`, () => {
    let store: Store;
    let wsA: string;
    let wsB: string;
    beforeEach(async () => {
      store = await makeStore();
      wsA = randomUUID();
      wsB = randomUUID();
    });
    afterEach(async () => {
      await store.close();
    });

    const T0 = Date.parse('2026-03-01T00:00:00.000Z');
    const t = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
    let n = 0;
    // Ids as the chat service makes them: time-ordered and growing within one millisecond.
    const ids = new MessageIdGenerator();
    const msg = (
      ws: string,
      conversationId: string,
      minutes: number,
      over: Partial<Message> = {},
    ): Message => ({
      id: ids.next(T0 + minutes * 60_000),
      workspaceId: ws,
      conversationId,
      senderId: 'alice',
      text: `hello ${++n}`,
      sentAt: t(minutes),
      ...over,
    });
    const group = (ws: string, id: string, memberIds: string[], minutes = 0) =>
      store.messages.createThread({ workspaceId: ws, id, type: 'group', memberIds, createdAt: t(minutes) });
    const unread = async (ws: string, id: string, users: string[]) =>
      Promise.all(users.map((u) => store.messages.unreadCount(ws, id, u)));

    it('appends room messages and lists them in order, newest page last', async () => {
      const room = await store.messages.ensureRoomConversation(wsA, 'room-1', t(0));
      expect(room).toMatchObject({ workspaceId: wsA, id: 'room-1', kind: 'room', memberIds: [] });
      expect(room.lastMessageAt).toBeUndefined();
      const sent = [msg(wsA, 'room-1', 1), msg(wsA, 'room-1', 2, { senderId: 'bob' }), msg(wsA, 'room-1', 2)];
      for (const m of sent) await store.messages.append(m);
      const listed = await store.messages.list(wsA, 'room-1');
      expect(listed).toEqual(sent);
      expect(await store.messages.lastMessageAt(wsA, 'room-1')).toBe(t(2));
      // Paging: the newest two, then the one before them.
      const page = await store.messages.list(wsA, 'room-1', { limit: 2 });
      expect(page.map((m) => m.id)).toEqual([sent[1]?.id, sent[2]?.id]);
      const older = await store.messages.list(wsA, 'room-1', { limit: 2, beforeId: page[0]?.id });
      expect(older.map((m) => m.id)).toEqual([sent[0]?.id]);
      // Ensuring again is harmless.
      expect((await store.messages.ensureRoomConversation(wsA, 'room-1', t(9))).lastMessageAt).toBe(t(2));
    });

    it('refuses a message for a conversation that does not exist', async () => {
      await expect(store.messages.append(msg(wsA, 'nowhere', 1))).rejects.toThrow();
    });

    it('keeps attachments with their message', async () => {
      await store.messages.ensureRoomConversation(wsA, 'r', t(0));
      const m = msg(wsA, 'r', 1, { attachments: [{ id: 'a1', blobKey: `${wsA}/a1` }] });
      await store.messages.append(m);
      expect((await store.messages.list(wsA, 'r'))[0]?.attachments).toEqual([
        { id: 'a1', blobKey: `${wsA}/a1` },
      ]);
    });

    it('deletes a whole conversation: rows, attachment rows, queued blobs; last message time cleared', async () => {
      await store.messages.ensureRoomConversation(wsA, 'r', t(0));
      await store.messages.append(msg(wsA, 'r', 1, { attachments: [{ id: 'a1', blobKey: 'k/a1' }] }));
      await store.messages.append(msg(wsA, 'r', 2));
      const res = await store.messages.deleteMessages(wsA, 'r');
      expect(res).toEqual({ messages: 2, attachments: 1, blobKeys: ['k/a1'], done: true });
      expect(await store.messages.list(wsA, 'r')).toEqual([]);
      expect(await store.messages.lastMessageAt(wsA, 'r')).toBeUndefined();
      expect(await store.messages.pendingBlobDeletes(10)).toEqual([{ workspaceId: wsA, blobKey: 'k/a1' }]);
      await store.messages.confirmBlobDeletes(['k/a1']);
      expect(await store.messages.pendingBlobDeletes(10)).toEqual([]);
      expect(await store.messages.workspacesWithMessages()).toEqual([]);
    });

    it('deletes in batches and spares a message sent after the cut-off', async () => {
      await store.messages.ensureRoomConversation(wsA, 'r', t(0));
      for (let i = 1; i <= 5; i++) await store.messages.append(msg(wsA, 'r', i));
      const late = msg(wsA, 'r', 100);
      await store.messages.append(late);
      const first = await store.messages.deleteMessages(wsA, 'r', { sentAtOrBefore: t(5), limit: 3 });
      expect(first).toMatchObject({ messages: 3, done: false });
      const second = await store.messages.deleteMessages(wsA, 'r', { sentAtOrBefore: t(5), limit: 3 });
      expect(second).toMatchObject({ messages: 2, done: true });
      expect(await store.messages.list(wsA, 'r')).toEqual([late]);
      expect(await store.messages.lastMessageAt(wsA, 'r')).toBe(t(100));
    });

    it('purgeStep deletes several conversations in one bounded step, in order, sparing late messages', async () => {
      for (const id of ['p1', 'p2', 'p3']) await store.messages.ensureRoomConversation(wsA, id, t(0));
      await group(wsA, 'pg', ['alice', 'bob']);
      await store.messages.append(msg(wsA, 'p1', 1, { attachments: [{ id: 'x1', blobKey: 'k/x1' }] }));
      await store.messages.append(msg(wsA, 'p1', 2));
      for (let i = 1; i <= 3; i++) await store.messages.append(msg(wsA, 'p2', i));
      const late = msg(wsA, 'p2', 50); // arrived after the purge decided
      await store.messages.append(late);
      for (let i = 1; i <= 4; i++)
        await store.messages.append(
          msg(wsA, 'pg', i, i === 4 ? { attachments: [{ id: 'x2', blobKey: 'k/x2' }] } : {}),
        );
      for (let i = 1; i <= 2; i++) await store.messages.append(msg(wsA, 'p3', i));
      await store.messages.ensureRoomConversation(wsB, 'p1', t(0));
      const theirs = msg(wsB, 'p1', 1);
      await store.messages.append(theirs);
      expect(await store.messages.unreadCount(wsA, 'pg', 'bob')).toBe(4);

      const targets = [
        { conversationId: 'p1', sentAtOrBefore: t(2) },
        { conversationId: 'p2', sentAtOrBefore: t(3) },
        { conversationId: 'pg', sentAtOrBefore: t(4) },
        { conversationId: 'p3' },
      ];
      // A budget of 7: p1 (2) and p2 (3) finish, pg gives 2 of its 4, p3 is not reached.
      const first = await store.messages.purgeStep(wsA, targets, 7);
      expect(first).toEqual({
        conversations: [
          { conversationId: 'p1', messages: 2, attachments: 1, done: true },
          { conversationId: 'p2', messages: 3, attachments: 0, done: true },
          { conversationId: 'pg', messages: 2, attachments: 0, done: false },
        ],
        blobKeys: ['k/x1'],
      });
      expect(await store.messages.list(wsA, 'p2')).toEqual([late]);
      expect(await store.messages.lastMessageAt(wsA, 'p2')).toBe(t(50));
      expect(await store.messages.lastMessageAt(wsA, 'p1')).toBeUndefined();
      expect(await store.messages.list(wsA, 'p3')).toHaveLength(2);
      expect(await store.messages.unreadCount(wsA, 'pg', 'bob')).toBe(2);

      const second = await store.messages.purgeStep(wsA, targets.slice(2), 7);
      expect(second).toEqual({
        conversations: [
          { conversationId: 'pg', messages: 2, attachments: 1, done: true },
          { conversationId: 'p3', messages: 2, attachments: 0, done: true },
        ],
        blobKeys: ['k/x2'],
      });
      expect(await store.messages.unreadCount(wsA, 'pg', 'bob')).toBe(0);
      expect(await store.messages.lastMessageAt(wsA, 'pg')).toBeUndefined();
      // Queued with the rows, for the blob drain to remove and confirm.
      expect((await store.messages.pendingBlobDeletes(10)).map((p) => p.blobKey).sort()).toEqual([
        'k/x1',
        'k/x2',
      ]);
      // Nothing left to do is simply done; another workspace's conversation of the same id is untouched.
      expect(
        await store.messages.purgeStep(wsA, [{ conversationId: 'p1' }, { conversationId: 'none' }], 5),
      ).toEqual({
        conversations: [
          { conversationId: 'p1', messages: 0, attachments: 0, done: true },
          { conversationId: 'none', messages: 0, attachments: 0, done: true },
        ],
        blobKeys: [],
      });
      expect(await store.messages.list(wsB, 'p1')).toEqual([theirs]);
      await expect(store.messages.purgeStep(wsA, targets, 0)).rejects.toThrow();
    });

    it('finds purge candidates per workspace and kind, paged by conversation id', async () => {
      for (const id of ['c1', 'c2', 'c3']) {
        await store.messages.ensureRoomConversation(wsA, id, t(0));
        await store.messages.append(msg(wsA, id, 10));
      }
      await store.messages.ensureRoomConversation(wsA, 'fresh', t(0));
      await store.messages.append(msg(wsA, 'fresh', 500));
      await store.messages.ensureRoomConversation(wsA, 'empty', t(0));
      await store.messages.createThread({
        workspaceId: wsA,
        id: 'th',
        type: 'group',
        memberIds: ['alice'],
        createdAt: t(0),
      });
      await store.messages.append(msg(wsA, 'th', 10));
      await store.messages.ensureRoomConversation(wsB, 'c0', t(0));
      await store.messages.append(msg(wsB, 'c0', 10));

      const q = { workspaceId: wsA, kind: 'room' as const, lastMessageBefore: t(100), limit: 2 };
      const page1 = await store.messages.findPurgeCandidates(q);
      expect(page1).toEqual([
        { workspaceId: wsA, conversationId: 'c1', kind: 'room', lastMessageAt: t(10) },
        { workspaceId: wsA, conversationId: 'c2', kind: 'room', lastMessageAt: t(10) },
      ]);
      const page2 = await store.messages.findPurgeCandidates({ ...q, afterConversationId: 'c2' });
      expect(page2.map((c) => c.conversationId)).toEqual(['c3']);
      const threads = await store.messages.findPurgeCandidates({ ...q, kind: 'workspace' });
      expect(threads.map((c) => c.conversationId)).toEqual(['th']);
      expect(await store.messages.findPurgeCandidates({ ...q, lastMessageBefore: t(10) })).toEqual([]);
      expect((await store.messages.workspacesWithMessages()).sort()).toEqual([wsA, wsB].sort());
    });

    it('direct threads are unique per pair; group threads have members and unread counts', async () => {
      const dm = await store.messages.createThread({
        workspaceId: wsA,
        id: 'dm-1',
        type: 'direct',
        memberIds: ['bob', 'alice'],
        createdAt: t(0),
      });
      expect(dm).toMatchObject({ kind: 'workspace', threadType: 'direct', memberIds: ['alice', 'bob'] });
      const again = await store.messages.createThread({
        workspaceId: wsA,
        id: 'dm-2',
        type: 'direct',
        memberIds: ['alice', 'bob'],
        createdAt: t(5),
      });
      expect(again.id).toBe('dm-1');
      await expect(
        store.messages.createThread({
          workspaceId: wsA,
          id: 'x',
          type: 'direct',
          memberIds: ['a'],
          createdAt: t(0),
        }),
      ).rejects.toThrow();

      await store.messages.createThread({
        workspaceId: wsA,
        id: 'grp',
        type: 'group',
        title: 'Launch',
        memberIds: ['alice', 'bob'],
        createdAt: t(1),
      });
      expect(await store.messages.addMembers(wsA, 'grp', ['carol', 'bob'])).toBe(true);
      expect(await store.messages.addMembers(wsA, 'dm-1', ['carol'])).toBe(false);
      expect((await store.messages.getConversation(wsA, 'grp'))?.memberIds).toEqual([
        'alice',
        'bob',
        'carol',
      ]);

      await store.messages.append(msg(wsA, 'grp', 10, { senderId: 'alice' }));
      await store.messages.append(msg(wsA, 'grp', 11, { senderId: 'bob' }));
      await store.messages.append(msg(wsA, 'grp', 12, { senderId: 'alice' }));
      expect(await store.messages.unreadCount(wsA, 'grp', 'bob')).toBe(2);
      expect(await store.messages.unreadCount(wsA, 'grp', 'carol')).toBe(3);
      expect(await store.messages.unreadCount(wsA, 'grp', 'alice')).toBe(1);
      await store.messages.markRead(wsA, 'grp', 'carol', t(11));
      await store.messages.markRead(wsA, 'grp', 'carol', t(10)); // never moves backwards
      expect(await store.messages.unreadCount(wsA, 'grp', 'carol')).toBe(1);

      const carol = await store.messages.listThreads(wsA, 'carol');
      expect(carol.map((s) => [s.conversation.id, s.unread])).toEqual([['grp', 1]]);
      const alice = await store.messages.listThreads(wsA, 'alice');
      expect(alice.map((s) => s.conversation.id)).toEqual(['grp', 'dm-1']); // most recent activity first

      expect(await store.messages.removeMember(wsA, 'grp', 'carol')).toBe(true);
      expect(await store.messages.listThreads(wsA, 'carol')).toEqual([]);
      expect(await store.messages.removeMember(wsA, 'dm-1', 'alice')).toBe(false);
    });

    it('isolates tenants: workspace B cannot read, list, append to or delete A’s conversation', async () => {
      await store.messages.ensureRoomConversation(wsA, 'shared-id', t(0));
      const a = msg(wsA, 'shared-id', 1, { attachments: [{ id: 'att', blobKey: 'a/att' }] });
      await store.messages.append(a);
      await store.messages.createThread({
        workspaceId: wsA,
        id: 'thread',
        type: 'group',
        memberIds: ['alice'],
        createdAt: t(0),
      });

      expect(await store.messages.getConversation(wsB, 'shared-id')).toBeUndefined();
      expect(await store.messages.list(wsB, 'shared-id')).toEqual([]);
      expect(await store.messages.lastMessageAt(wsB, 'shared-id')).toBeUndefined();
      expect(await store.messages.listThreads(wsB, 'alice')).toEqual([]);
      expect(await store.messages.addMembers(wsB, 'thread', ['mallory'])).toBe(false);
      await expect(store.messages.append(msg(wsB, 'thread', 2))).rejects.toThrow();
      // B's message to a conversation id it does not have must not land in A's.
      await expect(store.messages.append({ ...msg(wsB, 'shared-id', 2) })).rejects.toThrow();
      expect(await store.messages.deleteMessages(wsB, 'shared-id')).toEqual({
        messages: 0,
        attachments: 0,
        blobKeys: [],
        done: true,
      });
      expect(
        await store.messages.findPurgeCandidates({
          workspaceId: wsB,
          kind: 'room',
          lastMessageBefore: t(10_000),
          limit: 10,
        }),
      ).toEqual([]);

      // The same conversation id in B is a different conversation.
      await store.messages.ensureRoomConversation(wsB, 'shared-id', t(0));
      await store.messages.append(msg(wsB, 'shared-id', 3));
      await store.messages.deleteMessages(wsB, 'shared-id');
      expect(await store.messages.list(wsA, 'shared-id')).toEqual([a]);
      expect(await store.messages.lastMessageAt(wsA, 'shared-id')).toBe(t(1));
    });

    it('lists messages of the same millisecond in append order, and pages through them by (sentAt, id)', async () => {
      await store.messages.ensureRoomConversation(wsA, 'r', t(0));
      // 30 messages in one millisecond, then one a minute earlier that arrived late (a slow sender's clock).
      const same = Array.from({ length: 30 }, (_, i) =>
        msg(wsA, 'r', 5, { senderId: i % 2 ? 'bob' : 'alice' }),
      );
      for (const m of same) await store.messages.append(m);
      const early = msg(wsA, 'r', 4);
      await store.messages.append(early);
      const all = [early, ...same];
      expect((await store.messages.list(wsA, 'r')).map((m) => m.id)).toEqual(all.map((m) => m.id));
      const pages: string[][] = [];
      let before: string | undefined;
      for (;;) {
        const page = await store.messages.list(wsA, 'r', {
          limit: 7,
          ...(before ? { beforeId: before } : {}),
        });
        if (page.length === 0) break;
        pages.unshift(page.map((m) => m.id));
        before = page[0]?.id;
      }
      expect(pages.flat()).toEqual(all.map((m) => m.id));
      expect(pages[pages.length - 1]).toHaveLength(7);
      // A cursor that is not in this conversation (purged, or another one's) gives nothing, not everything.
      expect(await store.messages.list(wsA, 'r', { beforeId: 'gone' })).toEqual([]);
    });

    it('keeps every message of parallel appends, and counts each as unread once', async () => {
      await group(wsA, 'busy', ['alice', 'bob', 'carol']);
      // Enough to collide on every engine (Firestore redoes a racing append), few enough to stay quick.
      const sent = Array.from({ length: 16 }, (_, i) =>
        msg(wsA, 'busy', 1 + (i % 3), { senderId: i % 2 ? 'alice' : 'bob' }),
      );
      await Promise.all(sent.map((m) => store.messages.append(m)));
      const listed = await store.messages.list(wsA, 'busy');
      expect(new Set(listed.map((m) => m.id))).toEqual(new Set(sent.map((m) => m.id)));
      expect(listed).toHaveLength(16);
      expect(await unread(wsA, 'busy', ['alice', 'bob', 'carol'])).toEqual([8, 8, 16]);
      expect(await store.messages.lastMessageAt(wsA, 'busy')).toBe(t(3));
    });

    it('opening the same direct thread in parallel makes one thread', async () => {
      const opens = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.messages.createThread({
            workspaceId: wsA,
            id: `dm-${i}`,
            type: 'direct',
            memberIds: i % 2 ? ['alice', 'bob'] : ['bob', 'alice'],
            createdAt: t(i),
          }),
        ),
      );
      expect(new Set(opens.map((c) => c.id)).size).toBe(1);
      const listed = await store.messages.listThreads(wsA, 'alice');
      expect(listed.map((s) => s.conversation.id)).toEqual([opens[0]?.id]);
      // The pair's reservation is per workspace: B gets its own thread.
      const inB = await store.messages.createThread({
        workspaceId: wsB,
        id: 'dm-b',
        type: 'direct',
        memberIds: ['alice', 'bob'],
        createdAt: t(0),
      });
      expect(inB.id).toBe('dm-b');
    });

    it('unread counters follow markRead, late members and purges of unread messages', async () => {
      await group(wsA, 'g', ['alice', 'bob', 'carol']);
      for (let i = 1; i <= 6; i++)
        await store.messages.append(msg(wsA, 'g', i, { senderId: i % 2 ? 'alice' : 'bob' }));
      // alice sent 1,3,5; bob sent 2,4,6.
      expect(await unread(wsA, 'g', ['alice', 'bob', 'carol'])).toEqual([3, 3, 6]);
      await store.messages.markRead(wsA, 'g', 'carol', t(2));
      await store.messages.markRead(wsA, 'g', 'bob', t(4));
      expect(await unread(wsA, 'g', ['alice', 'bob', 'carol'])).toEqual([3, 1, 4]);
      // A member who joins later has read nothing yet.
      expect(await store.messages.addMembers(wsA, 'g', ['dan'])).toBe(true);
      expect(await store.messages.unreadCount(wsA, 'g', 'dan')).toBe(6);
      // Not a member: nothing unread, and markRead does not make one.
      await store.messages.markRead(wsA, 'g', 'eve', t(1));
      expect(await store.messages.unreadCount(wsA, 'g', 'eve')).toBe(0);
      expect((await store.messages.getConversation(wsA, 'g'))?.memberIds).not.toContain('eve');

      // Purge the first four (1..4) in two batches: only the unread ones among them leave the counters.
      let res = await store.messages.deleteMessages(wsA, 'g', { sentAtOrBefore: t(4), limit: 3 });
      expect(res).toMatchObject({ messages: 3, done: false });
      expect(await unread(wsA, 'g', ['alice', 'bob', 'carol', 'dan'])).toEqual([2, 1, 3, 3]);
      res = await store.messages.deleteMessages(wsA, 'g', { sentAtOrBefore: t(4), limit: 3 });
      expect(res).toMatchObject({ messages: 1, done: true });
      expect(await unread(wsA, 'g', ['alice', 'bob', 'carol', 'dan'])).toEqual([1, 1, 2, 2]);
      // New messages still count after a purge; reading everything clears it.
      await store.messages.append(msg(wsA, 'g', 7, { senderId: 'alice' }));
      expect(await unread(wsA, 'g', ['alice', 'bob', 'carol', 'dan'])).toEqual([1, 2, 3, 3]);
      await store.messages.markRead(wsA, 'g', 'dan', t(7));
      expect(await store.messages.unreadCount(wsA, 'g', 'dan')).toBe(0);
      // The rest goes: every counter is zero, none below.
      await store.messages.deleteMessages(wsA, 'g');
      expect(await unread(wsA, 'g', ['alice', 'bob', 'carol', 'dan'])).toEqual([0, 0, 0, 0]);
      const [summary] = await store.messages.listThreads(wsA, 'carol');
      expect(summary).toMatchObject({ unread: 0, conversation: { id: 'g' } });
      expect(summary?.conversation.lastMessageAt).toBeUndefined();
    });

    it('a read marker never passes the last message: later messages count even when marked "read" ahead', async () => {
      await group(wsA, 'ahead', ['alice', 'bob']);
      await store.messages.append(msg(wsA, 'ahead', 5, { senderId: 'alice' }));
      await store.messages.markRead(wsA, 'ahead', 'bob', t(100)); // a client claiming the future
      expect(await store.messages.unreadCount(wsA, 'ahead', 'bob')).toBe(0);
      await store.messages.append(msg(wsA, 'ahead', 50, { senderId: 'alice' }));
      expect(await store.messages.unreadCount(wsA, 'ahead', 'bob')).toBe(1);
      await store.messages.markRead(wsA, 'ahead', 'bob', t(50));
      expect(await store.messages.unreadCount(wsA, 'ahead', 'bob')).toBe(0);
    });

    it('lists a member’s threads a page at a time, by activity; a purge moves a thread back', async () => {
      for (let i = 0; i < 7; i++) await group(wsA, `t${i}`, ['alice', 'bob'], i);
      await group(wsA, 'not-alice', ['bob'], 50);
      await store.messages.append(msg(wsA, 't2', 100, { senderId: 'bob' }));
      await store.messages.append(msg(wsA, 't5', 90, { senderId: 'bob' }));
      const expected = ['t2', 't5', 't6', 't4', 't3', 't1', 't0'];
      const seen: ThreadSummary[] = [];
      for (let after: ThreadSummary | undefined, i = 0; i < 10; i++) {
        const page = await store.messages.listThreads(wsA, 'alice', {
          limit: 3,
          ...(after ? { after: threadCursor(after.conversation) } : {}),
        });
        expect(page.length).toBeLessThanOrEqual(3);
        if (page.length === 0) break;
        seen.push(...page);
        after = page[page.length - 1];
      }
      expect(seen.map((s) => s.conversation.id)).toEqual(expected);
      expect(seen.map((s) => s.unread)).toEqual([1, 1, 0, 0, 0, 0, 0]);
      // Two threads with the same activity time keep a stable order by id across pages.
      await group(wsA, 'u-b', ['carol'], 3);
      await group(wsA, 'u-a', ['carol'], 3);
      const first = await store.messages.listThreads(wsA, 'carol', { limit: 1 });
      const next = await store.messages.listThreads(wsA, 'carol', {
        limit: 1,
        after: threadCursor((first[0] as ThreadSummary).conversation),
      });
      expect([...first, ...next].map((s) => s.conversation.id)).toEqual(['u-a', 'u-b']);
      // All of t2's messages purged: it falls back to its creation time.
      await store.messages.deleteMessages(wsA, 't2');
      const after = await store.messages.listThreads(wsA, 'alice', { limit: 3 });
      expect(after.map((s) => s.conversation.id)).toEqual(['t5', 't6', 't4']);
    });

    it('keeps read state and counters per workspace', async () => {
      await group(wsA, 'same', ['alice', 'bob']);
      await group(wsB, 'same', ['alice', 'bob']);
      await store.messages.append(msg(wsA, 'same', 1, { senderId: 'bob' }));
      await store.messages.append(msg(wsA, 'same', 2, { senderId: 'bob' }));
      await store.messages.append(msg(wsB, 'same', 3, { senderId: 'bob' }));
      expect(await store.messages.unreadCount(wsA, 'same', 'alice')).toBe(2);
      expect(await store.messages.unreadCount(wsB, 'same', 'alice')).toBe(1);
      await store.messages.markRead(wsB, 'same', 'alice', t(10));
      expect(await store.messages.unreadCount(wsA, 'same', 'alice')).toBe(2);
      await store.messages.deleteMessages(wsB, 'same');
      expect(await store.messages.unreadCount(wsA, 'same', 'alice')).toBe(2);
      expect(
        (await store.messages.listThreads(wsA, 'alice')).map((s) => [s.conversation.workspaceId, s.unread]),
      ).toEqual([[wsA, 2]]);
      expect(await store.messages.list(wsB, 'same')).toEqual([]);
      expect(await store.messages.list(wsA, 'same')).toHaveLength(2);
    });
  });
}
