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
