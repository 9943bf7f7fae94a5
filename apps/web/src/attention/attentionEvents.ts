import type {
  ChatMessageView,
  KnockRequest,
  OneOnOneInvitation,
  PersonRef,
  ThreadView,
} from '@tsudoi/protocol';
import type { ChatState } from '../state/chatStore';
import { type FloorState, roomOf } from '../state/floorModel';

/**
 * The events that may call for attention, found by comparing two copies of the client's stores (before
 * and after one server event). Pure: the stores stay the single source of truth, nothing is re-derived
 * from the socket.
 */
export type AttentionEvent =
  | { kind: 'oneOnOne'; key: string; invitation: OneOnOneInvitation }
  | { kind: 'knock'; key: string; knock: KnockRequest; roomName: string }
  | {
      kind: 'directMessage';
      key: string;
      thread: ThreadView;
      from: PersonRef | undefined;
      text: string | undefined;
      /** The thread is open on this page (the message is on screen if the page is in front). */
      onScreen: boolean;
    }
  | { kind: 'roomEntry'; key: string; person: PersonRef; roomId: string; roomName: string };

/** 1on1 invitations, knocks on my room and people entering my room since `prev`. */
export function floorEvents(prev: FloorState, next: FloorState): AttentionEvent[] {
  if (prev.workspaceId !== next.workspaceId) return [];
  const events: AttentionEvent[] = [];
  const invited = new Set(prev.invitations.map((i) => i.inviteId));
  for (const invitation of next.invitations)
    if (!invited.has(invitation.inviteId))
      events.push({ kind: 'oneOnOne', key: `oneOnOne:${invitation.inviteId}`, invitation });
  const knocked = new Set(prev.knocks.map((k) => k.knockId));
  for (const knock of next.knocks)
    if (!knocked.has(knock.knockId))
      events.push({
        kind: 'knock',
        key: `knock:${knock.knockId}`,
        knock,
        roomName: next.rooms[knock.roomId]?.name ?? '',
      });
  events.push(...roomEntries(prev, next));
  return events;
}

/**
 * People who entered the room I was already in. Nothing when I myself entered or switched rooms (those
 * already there did not "enter"), nor on the first snapshot of a page.
 */
function roomEntries(prev: FloorState, next: FloorState): AttentionEvent[] {
  const me = next.me;
  if (!me || !prev.loaded) return [];
  const before = roomOf(prev, me);
  const now = roomOf(next, me);
  if (!before || !now || before.id !== now.id) return [];
  const there = new Set(before.participants.map((p) => p.userId));
  return now.participants
    .filter((p) => p.userId !== me && !there.has(p.userId))
    .map((p) => ({
      kind: 'roomEntry' as const,
      key: `roomEntry:${now.id}:${p.userId}:${p.since}`,
      person: { userId: p.userId, displayName: p.displayName },
      roomId: now.id,
      roomName: now.name,
    }));
}

/**
 * New messages from others in my threads (direct or group): a thread whose unread count went up. The first
 * thread list of a connection only sets the scene (what was unread before this page is not news).
 */
export function chatEvents(prev: ChatState, next: ChatState, me: string | null): AttentionEvent[] {
  if (!prev.threadsLoaded || !next.threadsLoaded) return [];
  const events: AttentionEvent[] = [];
  for (const thread of Object.values(next.threads)) {
    const before = prev.threads[thread.id]?.unread ?? 0;
    if (thread.unread <= before) continue;
    const latest = latestFromOthers(next.messages[thread.id], me);
    events.push({
      kind: 'directMessage',
      key: `directMessage:${thread.id}:${thread.lastMessageAt ?? thread.unread}`,
      thread,
      from: latest?.sender ?? thread.members.find((m) => m.userId !== me),
      text: latest?.text,
      onScreen: thread.id === next.viewing,
    });
  }
  return events;
}

function latestFromOthers(
  messages: readonly ChatMessageView[] | undefined,
  me: string | null,
): ChatMessageView | undefined {
  if (!messages) return undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m && m.sender.userId !== me) return m;
  }
  return undefined;
}

/** Keys of the invitations and knocks still waiting: a notification whose key left this set is closed. */
export function pendingKeys(floor: FloorState): Set<string> {
  return new Set([
    ...floor.invitations.map((i) => `oneOnOne:${i.inviteId}`),
    ...floor.knocks.map((k) => `knock:${k.knockId}`),
  ]);
}
