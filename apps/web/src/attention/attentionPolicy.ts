import type { PresenceState } from '@tsudoi/protocol';

/**
 * Who gets a desktop notification and a sound for what (issue 11): a pure policy, applied by the
 * browser side in `screens/attention`. Nothing here reads the DOM, the clock or storage.
 */

/** What may call for someone's attention. */
export const ATTENTION_KINDS = ['oneOnOne', 'knock', 'directMessage', 'roomEntry'] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];

/** Per kind, what the person lets through (remembered per browser). */
export interface KindSettings {
  notify: boolean;
  sound: boolean;
}
export type AttentionSettings = Record<AttentionKind, KindSettings>;

export const DEFAULT_ATTENTION_SETTINGS: AttentionSettings = {
  oneOnOne: { notify: true, sound: true },
  knock: { notify: true, sound: true },
  directMessage: { notify: true, sound: true },
  roomEntry: { notify: true, sound: true },
};

/** The browser's notification permission, or `unsupported` (no Notification API, e.g. iPad Safari tabs). */
export type NotifyPermission = NotificationPermission | 'unsupported';

export interface AttentionContext {
  /** My own status; `undefined` before the floor knows it (treated as available). */
  status: PresenceState | undefined;
  /** The page is in front: visible and focused. */
  inFront: boolean;
  settings: AttentionSettings;
  permission: NotifyPermission;
}

export interface AttentionDecision {
  /** Show a desktop notification. */
  notify: boolean;
  /** Play the kind's short sound. */
  sound: boolean;
}

/**
 * Kinds that ring while the page is in front: the page shows them too, but 1on1 invitations and knocks
 * expire within seconds and a new direct message may sit in a collapsed panel. Someone entering my room
 * is seen and heard on the stage, so it only rings from the background.
 */
const RINGS_IN_FRONT: ReadonlySet<AttentionKind> = new Set(['oneOnOne', 'knock', 'directMessage']);

const NOTHING: AttentionDecision = { notify: false, sound: false };

/**
 * Decides for one event. In order:
 * - `focused` is "do not disturb": no sound and no notification of any kind (the page still lists the
 *   invitation or knock, and the tab title still counts what is unread);
 * - `onScreen` (a message in the conversation open on the page) in front: the person is reading it, nothing;
 * - `meeting`: notifications stay, sounds do not (a chime would go into the other meeting's microphone);
 * - in front, the page itself shows the event: no notification; a sound for the kinds that ring in front;
 * - in the background: a notification (when allowed by the browser) and a sound;
 * - the person's per-kind settings switch either off.
 */
export function decideAttention(
  kind: AttentionKind,
  ctx: AttentionContext,
  onScreen = false,
): AttentionDecision {
  if (ctx.status === 'focused' || (onScreen && ctx.inFront)) return NOTHING;
  const wanted = ctx.settings[kind];
  const notify = !ctx.inFront && ctx.permission === 'granted' && wanted.notify;
  const sound = ctx.status !== 'meeting' && (!ctx.inFront || RINGS_IN_FRONT.has(kind)) && wanted.sound;
  return { notify, sound };
}

/** What the tab title counts: unread messages in my threads, 1on1 invitations and knocks waiting for me. */
export interface PendingCounts {
  unreadMessages: number;
  invitations: number;
  knocks: number;
}

export const pendingTotal = (c: PendingCounts): number => c.unreadMessages + c.invitations + c.knocks;

const COUNT_PREFIX = /^\(\d+\+?\) /;

/** The tab title with the pending count in front (`(3) Tsudoi`), or without one when nothing waits. */
export function titleWithCount(title: string, count: number): string {
  const base = title.replace(COUNT_PREFIX, '');
  if (count <= 0) return base;
  return `(${count > 99 ? '99+' : count}) ${base}`;
}
