import type { ThreadView } from '@tsudoi/protocol';

/** What a thread is called for me: its title, else the other members' names. */
export function threadName(thread: ThreadView, me: string | null): string {
  if (thread.title) return thread.title;
  const others = thread.members.filter((m) => m.userId !== me).map((m) => m.displayName);
  return others.join(', ') || '—';
}
