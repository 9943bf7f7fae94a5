import type { MessageRepo } from '../store.js';
import type { FsContext } from './context.js';
import { firestoreMessageLog } from './messageRepo.messages.js';
import { firestorePurge } from './messageRepo.purge.js';
import { firestoreReadState } from './messageRepo.readState.js';
import { firestoreThreads } from './messageRepo.threads.js';

/**
 * {@link MessageRepo} on Firestore, one file per concern: conversations and threads, the message log,
 * read state (unread counters), and the purge. The document layout is in `messageRepo.shared.ts`.
 */
export function firestoreMessages(ctx: FsContext): MessageRepo {
  return {
    ...firestoreThreads(ctx),
    ...firestoreMessageLog(ctx),
    ...firestoreReadState(ctx),
    ...firestorePurge(ctx),
  };
}
