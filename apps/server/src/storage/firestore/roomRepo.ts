import { type DocumentData, FieldPath } from 'firebase-admin/firestore';
import type { RoomRecord, RoomRepo } from '../store.js';
import type { FsContext } from './context.js';
import { tenantCollection, tenantDoc } from './paths.js';

/** `workspaces/{ws}/rooms/{id}`: an id from another workspace is simply a document that is not there. */
const toRoom = (workspaceId: string, id: string, d: DocumentData): RoomRecord => ({
  id,
  workspaceId,
  name: d.name,
  capacity: d.capacity ?? null,
  archived: d.archived === true,
  createdAt: d.createdAt,
});

export function firestoreRooms(ctx: FsContext): RoomRepo {
  const ref = (workspaceId: string, id: string) => tenantDoc(ctx.db, workspaceId, 'rooms', id);
  const change = (workspaceId: string, id: string, patch: Partial<RoomRecord>) =>
    ctx.atomic(async (c) => {
      const snap = await c.get(ref(workspaceId, id));
      if (!snap.exists) return undefined;
      const next = { ...toRoom(workspaceId, id, snap.data()!), ...patch };
      await c.update(snap.ref, patch);
      return next;
    });
  return {
    async create(room) {
      await ctx.create(ref(room.workspaceId, room.id), {
        name: room.name,
        capacity: room.capacity,
        archived: room.archived,
        createdAt: room.createdAt,
      });
    },
    async get(workspaceId, id) {
      const snap = await ctx.get(ref(workspaceId, id));
      return snap.exists ? toRoom(workspaceId, id, snap.data()!) : undefined;
    },
    async list(workspaceId) {
      const snap = await ctx.get(
        tenantCollection(ctx.db, workspaceId, 'rooms').orderBy('createdAt').orderBy(FieldPath.documentId()),
      );
      return snap.docs.map((d) => toRoom(workspaceId, d.id, d.data()));
    },
    rename(workspaceId, id, name) {
      return change(workspaceId, id, { name });
    },
    archive(workspaceId, id) {
      return change(workspaceId, id, { archived: true });
    },
  };
}
