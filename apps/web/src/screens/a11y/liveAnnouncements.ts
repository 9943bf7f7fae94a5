import type { AttentionEvent } from '../../attention/attentionEvents';

/** The floor events a screen reader hears about on the open page: someone joining my room, a knock on it. */
export type Announced = Extract<AttentionEvent, { kind: 'roomEntry' | 'knock' }>;

/** How many recent announcements the live region keeps (older ones were already read out). */
export const KEPT = 3;

/**
 * The live region's next list: the new joins and knocks appended once each (by event key), the oldest
 * dropped beyond {@link KEPT}. 1on1 invitations are left out: their dialog takes focus and is read out.
 */
export function nextAnnouncements(
  shown: readonly Announced[],
  events: readonly AttentionEvent[],
): Announced[] {
  const keys = new Set(shown.map((a) => a.key));
  const fresh = events.filter(
    (e): e is Announced => (e.kind === 'roomEntry' || e.kind === 'knock') && !keys.has(e.key),
  );
  if (fresh.length === 0) return shown as Announced[];
  return [...shown, ...fresh].slice(-KEPT);
}
