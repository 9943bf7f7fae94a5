// Seeds messages for the purge benchmark straight into Firestore (not measured), in the document layout of
// apps/server/src/storage/firestore/messageRepo.shared.ts: workspaces/{ws}/conversations/{id} with
// messages/{msgId}, threadMembers/{user}:{conversation} for thread members. Batched writes (≤ 500 each),
// a few in flight at once.
const BATCH = 500;
const IN_FLIGHT = 4;

/**
 * Rooms and group threads alternate, like the SQLite seed; each thread has two members (alice sends, bob
 * has read nothing, so the purge also keeps bob's unread counter right), one image on the newest message.
 * `lastAt(c)` is conversation c's last message time in ms.
 */
export async function seedFirestoreMessages(db, { ws, conversations, perConversation, lastAt, text }) {
  const pending = new Set();
  let batch = db.batch();
  let n = 0;
  const flush = async () => {
    if (n === 0) return;
    const p = batch.commit().finally(() => pending.delete(p));
    pending.add(p);
    batch = db.batch();
    n = 0;
    if (pending.size >= IN_FLIGHT) await Promise.race(pending);
  };
  const write = async (ref, data) => {
    batch.set(ref, data);
    if (++n === BATCH) await flush();
  };
  const wsRef = db.collection('workspaces').doc(ws);
  for (let c = 0; c < conversations; c++) {
    const room = c % 2 === 0;
    const id = `c${String(c).padStart(6, '0')}`;
    const last = new Date(lastAt(c, room)).toISOString();
    const created = new Date(lastAt(c, room) - 86_400_000).toISOString();
    const members = room ? [] : ['alice', 'bob'];
    const conv = wsRef.collection('conversations').doc(id);
    await write(conv, {
      workspaceId: ws,
      kind: room ? 'room' : 'workspace',
      ...(room ? {} : { threadType: 'group' }),
      memberIds: members,
      createdAt: created,
      lastMessageAt: last,
      hasMessages: true,
      activityAt: last,
    });
    for (const userId of members) {
      await write(wsRef.collection('threadMembers').doc(`${userId}:${id}`), {
        userId,
        conversationId: id,
        readUpTo: null,
        unread: userId === 'alice' ? 0 : perConversation,
        activityAt: last,
      });
    }
    for (let m = perConversation - 1; m >= 0; m--) {
      const mid = `${id}-m${String(m).padStart(4, '0')}`;
      await write(conv.collection('messages').doc(mid), {
        senderId: 'alice',
        text,
        sentAt: new Date(lastAt(c, room) - m * 1000).toISOString(),
        ...(m === 0 ? { attachments: [{ id: `${mid}-a`, blobKey: `${ws}/${mid}.png` }] } : {}),
      });
    }
  }
  await flush();
  await Promise.all(pending);
}

/** Documents left under the workspace's conversations (messages) and in the blob outbox. */
export async function countFirestoreLeft(db, ws) {
  const messages = (await db.collectionGroup('messages').count().get()).data().count;
  const queued = (await db.collection('blobDeletions').count().get()).data().count;
  const unread = await db
    .collection('workspaces')
    .doc(ws)
    .collection('threadMembers')
    .where('unread', '>', 0)
    .count()
    .get();
  return { messages, queued, membersWithUnread: unread.data().count };
}
