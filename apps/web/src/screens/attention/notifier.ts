import type { AttentionEvent } from '../../attention/attentionEvents';
import { MESSAGES, type MessageKey } from '../../i18n/messages';
import { useAppStore } from '../../state/store';

/** Longest message preview in a notification (the rest stays in the app). */
const PREVIEW = 120;

/** Text in the current language, outside React. */
function text(key: MessageKey, vars: Record<string, string> = {}): string {
  const lang = useAppStore.getState().lang;
  return MESSAGES[lang][key].replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
}

/** What a notification says about one event, in the current language. */
export function notificationText(event: AttentionEvent): { title: string; body: string } {
  switch (event.kind) {
    case 'oneOnOne':
      return {
        title: text('attention.notify.oneOnOne.title', { name: event.invitation.from.displayName }),
        body: text('attention.notify.oneOnOne.body'),
      };
    case 'knock':
      return {
        title: text('attention.notify.knock.title', {
          name: event.knock.from.displayName,
          room: event.roomName,
        }),
        body: text('attention.notify.knock.body'),
      };
    case 'directMessage': {
      const name = event.from?.displayName ?? text('attention.someone');
      const preview =
        event.text && event.text.length > PREVIEW ? `${event.text.slice(0, PREVIEW)}…` : event.text;
      return {
        title: text('attention.notify.directMessage.title', { name }),
        body: preview ?? text('attention.notify.directMessage.body'),
      };
    }
    case 'roomEntry':
      return {
        title: text('attention.notify.roomEntry.title', {
          name: event.person.displayName,
          room: event.roomName,
        }),
        body: text('attention.notify.roomEntry.body'),
      };
  }
}

/**
 * The desktop notifications this page shows, by event key. The key is also the notification's tag, so a
 * second tab of the same person replaces the first one's notification instead of stacking another.
 */
export class Notifier {
  readonly #open = new Map<string, Notification>();

  show(event: AttentionEvent): void {
    const { title, body } = notificationText(event);
    let n: Notification;
    try {
      // Silent: the app plays its own sound when the policy says so.
      n = new Notification(title, { body, tag: event.key, lang: useAppStore.getState().lang, silent: true });
    } catch {
      return; // e.g. Chrome on Android allows notifications only from a service worker
    }
    this.#open.set(event.key, n);
    n.onclick = () => {
      window.focus();
      n.close();
    };
    n.onclose = () => {
      if (this.#open.get(event.key) === n) this.#open.delete(event.key);
    };
  }

  /** Closes notifications about invitations and knocks that no longer wait (answered, expired, cancelled). */
  closeGone(waiting: ReadonlySet<string>): void {
    for (const [key, n] of this.#open)
      if ((key.startsWith('oneOnOne:') || key.startsWith('knock:')) && !waiting.has(key)) {
        this.#open.delete(key);
        n.close();
      }
  }

  /** Closes every notification this page showed (leaving the workspace page). */
  closeAll(): void {
    for (const n of this.#open.values()) n.close();
    this.#open.clear();
  }
}
