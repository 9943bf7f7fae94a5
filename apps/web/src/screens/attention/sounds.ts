import type { AttentionKind } from '../../attention/attentionPolicy';
import directMessage from './sounds/directMessage.wav';
import knock from './sounds/knock.wav';
import oneOnOne from './sounds/oneOnOne.wav';
import roomEntry from './sounds/roomEntry.wav';

/** The short sound of each kind: small WAV files built by `apps/web/scripts/makeSounds.mjs`, shipped with the app. */
export const SOUND_URLS: Record<AttentionKind, string> = { oneOnOne, knock, directMessage, roomEntry };

const players = new Map<AttentionKind, HTMLAudioElement>();

/**
 * Plays a kind's sound from the start. A browser that refuses (no user interaction with the page yet,
 * autoplay policy) stays quiet: the notification and the page still tell.
 */
export function playSound(kind: AttentionKind): void {
  let audio = players.get(kind);
  if (!audio) {
    audio = new Audio(SOUND_URLS[kind]);
    audio.preload = 'auto';
    players.set(kind, audio);
  }
  audio.currentTime = 0;
  audio.play().catch(() => {});
}

/** How long a tab keeps its claim on an event's sound: far longer than the gap between tabs receiving it. */
const CLAIM_MS = 3000;

/**
 * Plays an event's sound in one tab only: every open tab of the person gets the same event at about the
 * same moment, and two identical chimes a few milliseconds apart sound like a glitch. The first tab to
 * take the event's Web Lock plays; the others find it taken and stay quiet. Without Web Locks each tab plays.
 */
export function playSoundOnce(kind: AttentionKind, eventKey: string): void {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) {
    playSound(kind);
    return;
  }
  void locks
    .request(`tsudoi.attention.sound.${eventKey}`, { ifAvailable: true }, async (lock) => {
      if (!lock) return;
      playSound(kind);
      await new Promise((resolve) => setTimeout(resolve, CLAIM_MS));
    })
    .catch(() => playSound(kind));
}
