import { type AttentionEvent, chatEvents, floorEvents, pendingKeys } from '../../attention/attentionEvents';
import { decideAttention, pendingTotal, titleWithCount } from '../../attention/attentionPolicy';
import { attentionSettingsActions, useAttentionSettings } from '../../attention/attentionSettings';
import { selectUnreadTotal, useChatStore } from '../../state/chatStore';
import { selectMyRoom, useFloorStore } from '../../state/floorSlice';
import { Notifier } from './notifier';
import { playSoundOnce } from './sounds';

/** The page is in front of the person: visible and focused. */
const inFront = (): boolean => document.visibilityState === 'visible' && document.hasFocus();

/**
 * Applies the attention policy to the open workspace page: watches the floor and chat stores for events,
 * shows desktop notifications and plays sounds as the policy decides, keeps the pending count in the tab
 * title. Owns every subscription it makes; `close()` removes them all (idempotent).
 */
export class AttentionWatcher {
  readonly #notifier = new Notifier();
  readonly #disposers: Array<() => void> = [];
  /** Events already acted on (a store may repeat one, e.g. a re-sent invitation after a reconnect). */
  readonly #seen = new Set<string>();
  #closed = false;

  /** @param workspaceId the open workspace page; events of any other workspace's floor are ignored. */
  constructor(private readonly workspaceId: string) {
    this.#disposers.push(
      useFloorStore.subscribe((next, prev) => {
        this.#handle(floorEvents(prev, next));
        this.#notifier.closeGone(pendingKeys(next));
        if (selectMyRoom(next)) attentionSettingsActions.engaged();
        this.#updateTitle();
      }),
      useChatStore.subscribe((next, prev) => {
        this.#handle(chatEvents(prev, next, useFloorStore.getState().me));
        this.#updateTitle();
      }),
    );
    const refresh = () => attentionSettingsActions.refreshPermission();
    document.addEventListener('visibilitychange', refresh);
    window.addEventListener('focus', refresh);
    this.#disposers.push(() => {
      document.removeEventListener('visibilitychange', refresh);
      window.removeEventListener('focus', refresh);
    });
    this.#watchPermission();
    refresh();
    this.#updateTitle();
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const dispose of this.#disposers.splice(0)) dispose();
    this.#notifier.closeAll();
    document.title = titleWithCount(document.title, 0);
  }

  #handle(events: AttentionEvent[]): void {
    const floor = useFloorStore.getState();
    if (this.#closed || events.length === 0 || floor.workspaceId !== this.workspaceId) return;
    const status = floor.me ? floor.members[floor.me]?.status.state : undefined;
    const { settings, permission } = useAttentionSettings.getState();
    const ctx = { status, inFront: inFront(), settings, permission };
    let sounded = false;
    for (const event of events) {
      if (this.#seen.has(event.key)) continue;
      this.#seen.add(event.key);
      attentionSettingsActions.engaged();
      const decision = decideAttention(event.kind, ctx, event.kind === 'directMessage' && event.onScreen);
      if (decision.notify) this.#notifier.show(event);
      // One sound per store change: several events at once (a reconnect) do not play over each other.
      if (decision.sound && !sounded) {
        sounded = true;
        playSoundOnce(event.kind, event.key);
      }
    }
  }

  #updateTitle(): void {
    if (this.#closed) return;
    const floor = useFloorStore.getState();
    const count = pendingTotal({
      unreadMessages: selectUnreadTotal(useChatStore.getState()),
      invitations: floor.invitations.length,
      knocks: floor.knocks.length,
    });
    const title = titleWithCount(document.title, count);
    if (title !== document.title) document.title = title;
  }

  /** Follows a permission changed in the browser's site settings while the page is open. */
  #watchPermission(): void {
    if (!navigator.permissions?.query) return;
    navigator.permissions
      .query({ name: 'notifications' })
      .then((status) => {
        if (this.#closed) return;
        const onChange = () => attentionSettingsActions.refreshPermission();
        status.addEventListener('change', onChange);
        this.#disposers.push(() => status.removeEventListener('change', onChange));
      })
      .catch(() => {});
  }
}
