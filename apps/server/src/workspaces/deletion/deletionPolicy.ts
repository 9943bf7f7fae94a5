import { DELETION_GRACE_DAYS } from '@tsudoi/protocol';

const DAY_MS = 86_400_000;

/** Pure: when a workspace closed at `closedAt` is erased (after its grace period). */
export function eraseAfter(closedAt: Date, graceDays = DELETION_GRACE_DAYS): Date {
  return new Date(closedAt.getTime() + graceDays * DAY_MS);
}

/** Pure: whether a closed workspace may still be restored at `now`. */
export function restorable(d: { state: string; eraseAfter: string }, now: Date): boolean {
  return d.state === 'closed' && now.getTime() < Date.parse(d.eraseAfter);
}

/** Pure: whether a closed workspace's erasure is due at `now`. */
export function erasureDue(d: { state: string; eraseAfter: string }, now: Date): boolean {
  return d.state === 'closed' && now.getTime() >= Date.parse(d.eraseAfter);
}
