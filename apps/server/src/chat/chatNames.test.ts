import { randomUUID } from 'node:crypto';
import type { ChatMessageView, ThreadView } from '@tsudoi/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PresenceTracker } from '../presence/presenceTracker.js';
import { Floors } from '../rooms/floors.js';
import { newUser } from '../storage/contracts/accountFixtures.js';
import { SqliteStore } from '../storage/sqlite/sqliteStore.js';
import { type ChatDelivery, type ChatRepos, ChatService } from './chatService.js';

/**
 * Names in chat come from the people shown (thread members, senders of the page), never from the whole
 * member list, so a send in a 5,000-person workspace reads a handful of memberships, not 5,000.
 */
describe('chat names', () => {
  const T0 = '2026-12-01T10:00:00.000Z';
  let store: SqliteStore;
  let presence: PresenceTracker;
  let floors: Floors;
  let chat: ChatService;
  let asked: number[];
  const threads: Array<{ userId: string; thread: ThreadView }> = [];
  const delivery: ChatDelivery = {
    message: () => {},
    thread: (_ws, userId, thread) => threads.push({ userId, thread }),
  };

  async function person(ws: string, displayName: string, active = true) {
    const { id } = await newUser(store, { displayName });
    await store.accounts.memberships.add({
      workspaceId: ws,
      userId: id,
      role: 'member',
      status: active ? 'active' : 'disabled',
      joinedAt: T0,
    });
    return { userId: id, displayName };
  }

  beforeEach(async () => {
    store = new SqliteStore(':memory:');
    await store.migrate();
    presence = new PresenceTracker();
    floors = new Floors({ repo: store.rooms, presence });
    asked = [];
    threads.length = 0;
    const memberships = store.accounts.memberships;
    const repos: ChatRepos = {
      messages: store.messages,
      memberships: {
        getMany: (ws, ids) => {
          asked.push(ids.length);
          return memberships.getMany(ws, ids);
        },
      },
    };
    chat = new ChatService(repos, floors, () => new Date(T0), delivery);
  });
  afterEach(async () => {
    floors.close();
    presence.close();
    await store.close();
  });

  it('show thread members and senders by name; one who left shows as "—"; only their names are read', async () => {
    const ws = randomUUID();
    await store.workspaces.create({ id: ws, name: 'W', plan: 'team', timeZone: 'UTC', createdAt: T0 });
    const [aiko, ben, chie] = [await person(ws, 'Aiko'), await person(ws, 'Ben'), await person(ws, 'Chie')];
    for (let i = 0; i < 60; i++) await person(ws, `Other ${i}`);

    const opened = await chat.openThread(ws, aiko, [ben.userId, chie.userId], 'plans');
    expect(opened.members.map((m) => m.displayName).sort()).toEqual(['Aiko', 'Ben', 'Chie']);
    const sent: ChatMessageView = await chat.send(ws, chie, { kind: 'thread', threadId: opened.id }, 'hi');
    expect(sent.sender.displayName).toBe('Chie');
    // Every read asked for the thread's three people at most, not the 63 members.
    expect(Math.max(...asked)).toBeLessThanOrEqual(3);
    expect(
      threads
        .filter((t) => t.thread.id === opened.id)
        .map((t) => t.userId)
        .sort(),
    ).toEqual([aiko.userId, ben.userId, chie.userId].sort());

    await store.accounts.memberships.update(ws, chie.userId, { status: 'disabled' });
    const history = await chat.history(ws, aiko.userId, { kind: 'thread', threadId: opened.id });
    expect(history.map((m) => [m.text, m.sender.displayName])).toEqual([['hi', '—']]);
    const [listed] = await chat.listThreads(ws, ben.userId);
    expect(listed?.members.map((m) => m.displayName).sort()).toEqual(['Aiko', 'Ben', '—']);
    expect(Math.max(...asked)).toBeLessThanOrEqual(3);
  });

  it('refuse a thread with someone who is not an active member of this workspace', async () => {
    const [ws, other] = [randomUUID(), randomUUID()];
    for (const id of [ws, other]) {
      await store.workspaces.create({ id, name: 'W', plan: 'team', timeZone: 'UTC', createdAt: T0 });
    }
    const aiko = await person(ws, 'Aiko');
    const gone = await person(ws, 'Gone', false);
    const outsider = await person(other, 'Outsider');
    for (const who of [gone, outsider]) {
      await expect(chat.openThread(ws, aiko, [who.userId])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    await expect(chat.openThread(ws, aiko, [randomUUID()])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await chat.listThreads(ws, aiko.userId)).toEqual([]);
  });
});
