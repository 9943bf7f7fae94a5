import { describe, expect, it } from 'vitest';
import type { AttentionEvent } from '../../attention/attentionEvents';
import { KEPT, nextAnnouncements } from './liveAnnouncements';

const entry = (n: number): AttentionEvent => ({
  kind: 'roomEntry',
  key: `roomEntry:r1:u${n}:${n}`,
  person: { userId: `u${n}`, displayName: `User ${n}` },
  roomId: 'r1',
  roomName: 'Lounge',
});
const knock: AttentionEvent = {
  kind: 'knock',
  key: 'knock:k1',
  knock: { knockId: 'k1', roomId: 'r1', from: { userId: 'u9', displayName: 'Nine' } } as never,
  roomName: 'Lounge',
};
const invitation: AttentionEvent = {
  kind: 'oneOnOne',
  key: 'oneOnOne:i1',
  invitation: { inviteId: 'i1' } as never,
};
const dm: AttentionEvent = {
  kind: 'directMessage',
  key: 'directMessage:t1:1',
  thread: { id: 't1' } as never,
  from: undefined,
  text: 'hi',
  onScreen: false,
};

describe('nextAnnouncements', () => {
  it('announces joins and knocks, in order', () => {
    expect(nextAnnouncements([], [entry(1), knock]).map((a) => a.key)).toEqual([entry(1).key, 'knock:k1']);
  });

  it('leaves out 1on1 invitations (their dialog is read out) and direct messages', () => {
    expect(nextAnnouncements([], [invitation, dm])).toEqual([]);
  });

  it('announces an event once even when a store change repeats it', () => {
    const once = nextAnnouncements([], [entry(1)]);
    expect(nextAnnouncements(once, [entry(1)])).toBe(once);
  });

  it('keeps only the latest few lines', () => {
    let shown = nextAnnouncements([], []);
    for (let n = 1; n <= KEPT + 2; n++) shown = nextAnnouncements(shown, [entry(n)]);
    expect(shown.map((a) => a.key)).toEqual(Array.from({ length: KEPT }, (_, i) => entry(i + 3).key));
  });
});
