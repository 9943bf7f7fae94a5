import type { ThreadView } from '@tsudoi/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { AttentionEvent } from '../../attention/attentionEvents';
import { useAppStore } from '../../state/store';
import { notificationText } from './notifier';

const ALICE = { userId: '00000000-0000-4000-8000-000000000002', displayName: 'Alice' };
const ME = { userId: '00000000-0000-4000-8000-000000000001', displayName: 'Me' };
const thread: ThreadView = { id: 't', type: 'direct', members: [ME, ALICE], unread: 1 };
const at = '2026-12-01T10:00:00.000Z';
const events: AttentionEvent[] = [
  { kind: 'oneOnOne', key: 'a', invitation: { inviteId: 'i', from: ALICE, to: ME, expiresAt: at } },
  {
    kind: 'knock',
    key: 'b',
    knock: { knockId: 'k', roomId: 'r', from: ALICE, expiresAt: at },
    roomName: 'Lounge',
  },
  { kind: 'directMessage', key: 'c', thread, from: ALICE, text: 'x'.repeat(200), onScreen: false },
  { kind: 'roomEntry', key: 'd', person: ALICE, roomId: 'r', roomName: 'Lounge' },
];

afterEach(() => useAppStore.setState({ lang: 'en' }));

describe('notificationText', () => {
  it('says who and what in English', () => {
    useAppStore.setState({ lang: 'en' });
    expect(events.map((e) => notificationText(e).title)).toEqual([
      'Alice invites you to a 1on1',
      'Alice is knocking on Lounge',
      'Message from Alice',
      'Alice joined Lounge',
    ]);
    // A long message is cut; the app has the rest.
    expect(notificationText(events[2]!).body).toBe(`${'x'.repeat(120)}…`);
  });

  it('says the same in Japanese', () => {
    useAppStore.setState({ lang: 'ja' });
    expect(events.map((e) => notificationText(e).title)).toEqual([
      'Alice さんから 1on1 の誘いです',
      'Alice さんが「Lounge」をノックしています',
      'Alice さんからメッセージ',
      'Alice さんが「Lounge」に入りました',
    ]);
  });

  it('names nobody it does not know and invites to open the app when the text is missing', () => {
    const bare: AttentionEvent = {
      kind: 'directMessage',
      key: 'e',
      thread,
      from: undefined,
      text: undefined,
      onScreen: false,
    };
    expect(notificationText(bare)).toEqual({
      title: 'Message from Someone',
      body: 'Open Tsudoi to read it.',
    });
  });
});
