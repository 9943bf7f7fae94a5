import path from 'node:path';
import Database from 'better-sqlite3';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import type { TestServer } from './server';

/**
 * Looks into a test server's store from outside, the way an operator would check that data is really
 * gone: the rows in its SQLite file, or the documents in its Firestore project (the emulator's). Returns
 * how many messages one conversation holds.
 */
export async function storedMessages(server: TestServer, workspaceId: string, conversationId: string) {
  const env = server.env;
  if (env.STORE === 'firestore') {
    process.env.METADATA_SERVER_DETECTION ??= 'none';
    process.env.FIRESTORE_EMULATOR_HOST = env.FIRESTORE_EMULATOR_HOST;
    const app = initializeApp(
      { projectId: env.FIRESTORE_PROJECT_ID },
      `probe-${Date.now()}-${Math.random()}`,
    );
    try {
      // The layout of apps/server/src/storage/firestore/messageRepo.shared.ts.
      const messages = getFirestore(app).collection(
        `workspaces/${workspaceId}/conversations/${conversationId}/messages`,
      );
      return (await messages.count().get()).data().count;
    } finally {
      await deleteApp(app);
    }
  }
  const db = new Database(path.join(server.dataDir, 'tsudoi.sqlite'), {
    readonly: true,
    fileMustExist: true,
  });
  try {
    const row = db
      .prepare('SELECT COUNT(*) AS n FROM messages WHERE workspace_id = ? AND conversation_id = ?')
      .get(workspaceId, conversationId) as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}
