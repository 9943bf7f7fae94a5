import type { DocumentData } from 'firebase-admin/firestore';
import type { Workspace, WorkspaceRepo } from '../store.js';
import type { FsContext } from './context.js';
import { workspaceDoc } from './paths.js';

/** `workspaces/{id}`: the workspace's own fields; its data lives in subcollections under it. */
const toDoc = (ws: Workspace): DocumentData => ({
  name: ws.name,
  plan: ws.plan,
  timeZone: ws.timeZone,
  createdAt: ws.createdAt,
  ...(ws.security && Object.keys(ws.security).length > 0 ? { security: ws.security } : {}),
  ...(ws.closedAt ? { closedAt: ws.closedAt } : {}),
});

const toWorkspace = (id: string, d: DocumentData): Workspace => ({
  id,
  name: d.name,
  plan: d.plan,
  timeZone: d.timeZone,
  createdAt: d.createdAt,
  ...(d.security ? { security: d.security as Workspace['security'] } : {}),
  ...(d.closedAt ? { closedAt: d.closedAt as string } : {}),
});

export function firestoreWorkspaces(ctx: FsContext): WorkspaceRepo {
  return {
    async create(ws) {
      await ctx.create(workspaceDoc(ctx.db, ws.id), toDoc(ws));
    },
    async get(id) {
      const snap = await ctx.get(workspaceDoc(ctx.db, id));
      return snap.exists ? toWorkspace(id, snap.data()!) : undefined;
    },
    update(id, patch) {
      return ctx.atomic(async (c) => {
        const ref = workspaceDoc(c.db, id);
        const snap = await c.get(ref);
        if (!snap.exists) return undefined;
        const { closedAt, ...rest } = { ...toWorkspace(id, snap.data()!), ...patch };
        const next: Workspace = { ...rest, ...(closedAt ? { closedAt } : {}) };
        await c.set(ref, toDoc(next));
        return next;
      });
    },
    async listByIds(ids) {
      // getAll reads in chunks of at most 30 documents.
      const snaps = await ctx.getAll([...new Set(ids)].map((id) => workspaceDoc(ctx.db, id)));
      return snaps
        .filter((snap) => snap.exists)
        .map((snap) => toWorkspace(snap.id, snap.data()!))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
  };
}
