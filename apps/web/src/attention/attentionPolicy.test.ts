import { describe, expect, it } from 'vitest';
import {
  ATTENTION_KINDS,
  type AttentionContext,
  type AttentionKind,
  DEFAULT_ATTENTION_SETTINGS,
  decideAttention,
  pendingTotal,
  titleWithCount,
} from './attentionPolicy';

const background: AttentionContext = {
  status: 'available',
  inFront: false,
  settings: DEFAULT_ATTENTION_SETTINGS,
  permission: 'granted',
};
const off = (kind: AttentionKind, what: 'notify' | 'sound') => ({
  ...DEFAULT_ATTENTION_SETTINGS,
  [kind]: { ...DEFAULT_ATTENTION_SETTINGS[kind], [what]: false },
});

describe('decideAttention', () => {
  it('notifies and rings for every kind while the page is in the background', () => {
    for (const kind of ATTENTION_KINDS)
      expect(decideAttention(kind, background)).toEqual({ notify: true, sound: true });
    expect(decideAttention('oneOnOne', { ...background, status: undefined })).toEqual({
      notify: true,
      sound: true,
    });
    expect(decideAttention('knock', { ...background, status: 'away' })).toEqual({
      notify: true,
      sound: true,
    });
  });

  it('gives a focusing (do not disturb) person neither, for 1on1 invitations, knocks and the rest', () => {
    for (const inFront of [false, true])
      for (const kind of ATTENTION_KINDS)
        expect(decideAttention(kind, { ...background, inFront, status: 'focused' })).toEqual({
          notify: false,
          sound: false,
        });
  });

  it('keeps a person in a meeting silent but still notified', () => {
    expect(decideAttention('oneOnOne', { ...background, status: 'meeting' })).toEqual({
      notify: true,
      sound: false,
    });
  });

  it('in front: no desktop notification; a sound for invitations, knocks and messages, not for entries', () => {
    const front = { ...background, inFront: true };
    expect(decideAttention('oneOnOne', front)).toEqual({ notify: false, sound: true });
    expect(decideAttention('knock', front)).toEqual({ notify: false, sound: true });
    expect(decideAttention('directMessage', front)).toEqual({ notify: false, sound: true });
    expect(decideAttention('roomEntry', front)).toEqual({ notify: false, sound: false });
  });

  it('a message in the conversation open on a page in front is being read: neither; in the background: both', () => {
    expect(decideAttention('directMessage', { ...background, inFront: true }, true)).toEqual({
      notify: false,
      sound: false,
    });
    expect(decideAttention('directMessage', background, true)).toEqual({ notify: true, sound: true });
  });

  it('notifies only when the browser allows it; the sound does not depend on it', () => {
    for (const permission of ['default', 'denied', 'unsupported'] as const)
      expect(decideAttention('oneOnOne', { ...background, permission })).toEqual({
        notify: false,
        sound: true,
      });
  });

  it('lets each kind’s notification and sound be switched off on their own', () => {
    expect(decideAttention('oneOnOne', { ...background, settings: off('oneOnOne', 'notify') })).toEqual({
      notify: false,
      sound: true,
    });
    expect(decideAttention('oneOnOne', { ...background, settings: off('oneOnOne', 'sound') })).toEqual({
      notify: true,
      sound: false,
    });
    // Other kinds are untouched.
    expect(decideAttention('knock', { ...background, settings: off('oneOnOne', 'notify') })).toEqual({
      notify: true,
      sound: true,
    });
  });
});

describe('tab title', () => {
  it('puts the pending count in front and replaces an earlier one', () => {
    expect(titleWithCount('Tsudoi', 2)).toBe('(2) Tsudoi');
    expect(titleWithCount('(2) Tsudoi', 5)).toBe('(5) Tsudoi');
    expect(titleWithCount('(5) Tsudoi', 0)).toBe('Tsudoi');
    expect(titleWithCount('Tsudoi', 120)).toBe('(99+) Tsudoi');
    expect(titleWithCount('(99+) Tsudoi', 1)).toBe('(1) Tsudoi');
    // A title that merely starts with a parenthesis is left alone.
    expect(titleWithCount('(beta) Tsudoi', 0)).toBe('(beta) Tsudoi');
  });

  it('counts unread messages, invitations and knocks together', () => {
    expect(pendingTotal({ unreadMessages: 3, invitations: 1, knocks: 2 })).toBe(6);
    expect(pendingTotal({ unreadMessages: 0, invitations: 0, knocks: 0 })).toBe(0);
  });
});
