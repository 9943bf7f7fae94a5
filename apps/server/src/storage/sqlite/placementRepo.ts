import type { Database } from 'better-sqlite3';
import type { NodeRecord, PlacementRepos, RoomPlacement } from '../../media/placement/placementRepo.js';

interface NodeRow {
  id: string;
  url: string;
  peers: number;
  workers: number;
  heartbeat_at: number;
  expires_at: number;
}
interface PlacementRow {
  room_key: string;
  node_id: string;
  claimed_at: number;
}

const toNode = (r: NodeRow): NodeRecord => ({
  id: r.id,
  url: r.url,
  load: { peers: r.peers, workers: r.workers },
  heartbeatAt: r.heartbeat_at,
  expiresAt: r.expires_at,
});
const toPlacement = (r: PlacementRow): RoomPlacement => ({
  roomKey: r.room_key,
  nodeId: r.node_id,
  claimedAt: r.claimed_at,
});

/**
 * Waits while the store's unit of work has a transaction open on the shared connection (see
 * SqliteUnitOfWork), so a claim never becomes a savepoint of someone else's transaction.
 */
async function idle(db: Database): Promise<void> {
  while (db.inTransaction) await new Promise((r) => setImmediate(r));
}

/** The node registry and room placements in `media_nodes` / `room_placements` (migration 013). */
export function sqlitePlacement(db: Database): PlacementRepos {
  const nodeById = (id: string) =>
    db.prepare<[string], NodeRow>('SELECT * FROM media_nodes WHERE id = ?').get(id);
  const placementOf = (key: string) =>
    db.prepare<[string], PlacementRow>('SELECT * FROM room_placements WHERE room_key = ?').get(key);
  // BEGIN IMMEDIATE: the read and the write happen under the write lock, also across processes.
  const claim = db.transaction((roomKey: string, nodeId: string, now: number): RoomPlacement => {
    const cur = placementOf(roomKey);
    if (cur) {
      const holder = cur.node_id === nodeId ? undefined : nodeById(cur.node_id);
      if (cur.node_id === nodeId || (holder && holder.expires_at > now)) return toPlacement(cur);
    }
    db.prepare(
      `INSERT INTO room_placements (room_key, node_id, claimed_at) VALUES (?, ?, ?)
       ON CONFLICT(room_key) DO UPDATE SET node_id = excluded.node_id, claimed_at = excluded.claimed_at`,
    ).run(roomKey, nodeId, now);
    return { roomKey, nodeId, claimedAt: now };
  });
  return {
    nodes: {
      async heartbeat(n) {
        await idle(db);
        db.prepare(
          `INSERT INTO media_nodes (id, url, peers, workers, heartbeat_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT(id) DO UPDATE SET url = excluded.url, peers = excluded.peers, workers = excluded.workers,
             heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at`,
        ).run(n.id, n.url, n.load.peers, n.load.workers, n.heartbeatAt, n.expiresAt);
      },
      async get(id) {
        const row = nodeById(id);
        return row && toNode(row);
      },
      async listLive(now) {
        return db
          .prepare<[number], NodeRow>('SELECT * FROM media_nodes WHERE expires_at > ? ORDER BY id')
          .all(now)
          .map(toNode);
      },
      async remove(id) {
        await idle(db);
        db.prepare('DELETE FROM media_nodes WHERE id = ?').run(id);
      },
    },
    placements: {
      async get(roomKey) {
        const row = placementOf(roomKey);
        return row && toPlacement(row);
      },
      async claim(roomKey, nodeId, now) {
        await idle(db);
        return claim.immediate(roomKey, nodeId, now);
      },
      async release(roomKey, nodeId) {
        await idle(db);
        return (
          db.prepare('DELETE FROM room_placements WHERE room_key = ? AND node_id = ?').run(roomKey, nodeId)
            .changes === 1
        );
      },
      async listByNode(nodeId) {
        return db
          .prepare<[string], PlacementRow>(
            'SELECT * FROM room_placements WHERE node_id = ? ORDER BY room_key',
          )
          .all(nodeId)
          .map(toPlacement);
      },
    },
  };
}
