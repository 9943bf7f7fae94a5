import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FloorClientPayloads, FloorSnapshot, PresenceStatus } from './floor.js';

describe('floor payloads', () => {
  const id = randomUUID();

  it('accept well-formed requests', () => {
    expect(FloorClientPayloads['room:join'].parse({ roomId: id, listenOnly: true })).toEqual({
      roomId: id,
      listenOnly: true,
    });
    expect(FloorClientPayloads['room:create'].parse({ name: '  雑談  ', capacity: null })).toEqual({
      name: '雑談',
      capacity: null,
    });
    expect(FloorClientPayloads['knock:respond'].parse({ knockId: id, admit: false })).toBeTruthy();
    for (const state of ['available', 'focused', 'meeting', 'away'])
      expect(FloorClientPayloads['presence:set'].parse({ state })).toEqual({ state });
  });

  it('refuse unbounded or malformed input', () => {
    expect(FloorClientPayloads['room:join'].safeParse({ roomId: 'lobby' }).success).toBe(false);
    expect(FloorClientPayloads['room:join'].safeParse({ roomId: id, extra: 1 }).success).toBe(false);
    expect(FloorClientPayloads['room:create'].safeParse({ name: 'x'.repeat(61) }).success).toBe(false);
    expect(FloorClientPayloads['room:create'].safeParse({ name: '   ' }).success).toBe(false);
    expect(FloorClientPayloads['room:create'].safeParse({ name: 'a', capacity: 0 }).success).toBe(false);
    expect(PresenceStatus.safeParse({ state: 'away', text: 'x'.repeat(81) }).success).toBe(false);
    expect(PresenceStatus.safeParse({ state: 'busy' }).success).toBe(false);
  });

  it('describe a snapshot the server builds', () => {
    const snapshot = {
      workspaceId: id,
      rooms: [
        {
          id: randomUUID(),
          name: 'Lounge',
          kind: 'open',
          capacity: null,
          archived: false,
          participants: [
            { userId: id, displayName: 'A', listenOnly: false, since: new Date().toISOString() },
          ],
        },
      ],
      members: [{ userId: id, displayName: 'A', online: true, status: { state: 'focused', text: '集中' } }],
      serverTime: new Date().toISOString(),
    };
    expect(FloorSnapshot.parse(snapshot)).toEqual(snapshot);
  });
});
