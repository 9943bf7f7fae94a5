import { describe, expect, it } from 'vitest';
import { chooseNode, isLive, routerForPeer } from './placementPolicy.js';
import type { NodeRecord } from './placementRepo.js';

const node = (id: string, peers: number, workers = 2): NodeRecord => ({
  id,
  url: `http://${id}`,
  load: { peers, workers },
  heartbeatAt: 0,
  expiresAt: 1_000,
});
const settings = { peersPerWorkerCap: 100, preferSelfSlack: 10 };

describe('chooseNode', () => {
  it('keeps a new room on this node while it is about as loaded as the least loaded', () => {
    const self = node('a', 30);
    expect(chooseNode([node('b', 20)], self, settings).id).toBe('a'); // 15 vs 10 per worker
    expect(chooseNode([], self, settings).id).toBe('a');
  });

  it('sends a new room to a clearly less loaded node, and past a full node', () => {
    expect(chooseNode([node('b', 10), node('c', 4)], node('a', 60), settings).id).toBe('c');
    // a is at the cap (100 per worker): c takes it although a is within the slack of nothing else.
    expect(chooseNode([node('c', 190)], node('a', 200), settings).id).toBe('c');
  });

  it('with every node full, the least loaded takes the room; a node without workers is full', () => {
    expect(chooseNode([node('b', 300), node('c', 250)], node('a', 400), settings).id).toBe('c');
    expect(chooseNode([node('b', 0, 0)], node('a', 20), settings).id).toBe('a');
  });

  it('breaks ties by id and ignores a stale copy of its own record', () => {
    expect(chooseNode([node('c', 100), node('b', 100)], node('a', 400), settings).id).toBe('b');
    expect(chooseNode([node('a', 1000)], node('a', 0), settings).load.peers).toBe(0);
  });
});

describe('isLive', () => {
  it('a record lives until its expiry, exclusive', () => {
    expect(isLive({ expiresAt: 1_000 }, 999)).toBe(true);
    expect(isLive({ expiresAt: 1_000 }, 1_000)).toBe(false);
  });
});

describe('routerForPeer', () => {
  it('fills the room’s least full router up to the cap, then spills to an unused worker', () => {
    expect(routerForPeer([], 2, 2)).toBe('spill');
    expect(routerForPeer([{ peers: 1 }], 2, 2)).toBe(0);
    expect(routerForPeer([{ peers: 2 }], 2, 2)).toBe('spill');
    expect(routerForPeer([{ peers: 2 }, { peers: 1 }], 2, 2)).toBe(1);
  });

  it('with every worker used and full, the least full router takes the peer', () => {
    const full = [{ peers: 3 }, { peers: 2 }];
    expect(routerForPeer(full, 2, 2)).toBe(1);
  });
});
