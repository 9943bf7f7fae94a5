import type { DocumentData } from 'firebase-admin/firestore';
import type { NodeRecord, PlacementRepos, RoomPlacement } from '../../media/placement/placementRepo.js';
import type { FsContext } from './context.js';
import { globalDoc, keyId } from './paths.js';

const toNode = (d: DocumentData): NodeRecord => ({
  id: d.id,
  url: d.url,
  load: { peers: d.peers, workers: d.workers },
  heartbeatAt: d.heartbeatAt,
  expiresAt: d.expiresAt,
});
const toPlacement = (d: DocumentData): RoomPlacement => ({
  roomKey: d.roomKey,
  nodeId: d.nodeId,
  claimedAt: d.claimedAt,
});

/**
 * `nodes/{nodeId}` = { id, url, peers, workers, heartbeatAt, expiresAt } (epoch ms) and
 * `roomPlacements/{roomKey}` = { roomKey, nodeId, claimedAt }. A claim reads the placement and its node's
 * record and writes in one transaction, so racing nodes see each other's write and retry: one wins.
 * Queries: `nodes` by `expiresAt` and `roomPlacements` by `nodeId`, single-field indexes only.
 */
export function firestorePlacement(ctx: FsContext): PlacementRepos {
  const nodeRef = (c: FsContext, id: string) => globalDoc(c.db, 'nodes', keyId(id));
  const placementRef = (c: FsContext, key: string) => globalDoc(c.db, 'roomPlacements', keyId(key));
  return {
    nodes: {
      async heartbeat(n) {
        await ctx.set(nodeRef(ctx, n.id), {
          id: n.id,
          url: n.url,
          peers: n.load.peers,
          workers: n.load.workers,
          heartbeatAt: n.heartbeatAt,
          expiresAt: n.expiresAt,
        });
      },
      async get(id) {
        const snap = await ctx.get(nodeRef(ctx, id));
        return snap.exists ? toNode(snap.data() as DocumentData) : undefined;
      },
      async listLive(now) {
        const snap = await ctx.get(ctx.db.collection('nodes').where('expiresAt', '>', now));
        return snap.docs.map((d) => toNode(d.data())).sort((a, b) => a.id.localeCompare(b.id));
      },
      async remove(id) {
        await ctx.delete(nodeRef(ctx, id));
      },
    },
    placements: {
      async get(roomKey) {
        const snap = await ctx.get(placementRef(ctx, roomKey));
        return snap.exists ? toPlacement(snap.data() as DocumentData) : undefined;
      },
      claim(roomKey, nodeId, now) {
        return ctx.atomic(async (c) => {
          const ref = placementRef(c, roomKey);
          const cur = (await c.get(ref)).data();
          if (cur) {
            if (cur.nodeId === nodeId) return toPlacement(cur);
            const holder = (await c.get(nodeRef(c, cur.nodeId))).data();
            if (holder && holder.expiresAt > now) return toPlacement(cur);
          }
          const next: RoomPlacement = { roomKey, nodeId, claimedAt: now };
          await c.set(ref, { ...next });
          return next;
        });
      },
      release(roomKey, nodeId) {
        return ctx.atomic(async (c) => {
          const ref = placementRef(c, roomKey);
          if ((await c.get(ref)).data()?.nodeId !== nodeId) return false;
          await c.delete(ref);
          return true;
        });
      },
      async listByNode(nodeId) {
        const snap = await ctx.get(ctx.db.collection('roomPlacements').where('nodeId', '==', nodeId));
        return snap.docs.map((d) => toPlacement(d.data())).sort((a, b) => a.roomKey.localeCompare(b.roomKey));
      },
    },
  };
}
