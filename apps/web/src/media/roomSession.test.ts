import { describe, expect, it, vi } from 'vitest';
import type { ClientSocket } from '../realtime/socket';
import {
  type MyRoom,
  RoomSession,
  type SessionMediaClient,
  type SessionSocket,
  signalFor,
} from './roomSession';

/** A socket stand-in: connect/disconnect with new ids, and floor snapshots. */
class FakeSocket implements SessionSocket {
  id: string | undefined;
  connected = false;
  #n = 0;
  readonly #fns = new Map<string, Set<() => void>>();
  on(event: string, fn: () => void) {
    this.#fns.set(event, (this.#fns.get(event) ?? new Set()).add(fn));
  }
  off(event: string, fn: () => void) {
    this.#fns.get(event)?.delete(fn);
  }
  connect() {
    this.connected = true;
    this.id = `s${++this.#n}`;
  }
  drop() {
    this.connected = false;
    this.id = undefined;
    for (const fn of this.#fns.get('disconnect') ?? []) fn();
  }
  snapshot() {
    for (const fn of this.#fns.get('floor:snapshot') ?? []) fn();
  }
}

function setup() {
  const socket = new FakeSocket();
  let room: MyRoom | undefined;
  const rooms = new Set(['r1', 'r2']);
  let notify = () => {};
  const client = { join: vi.fn(async () => {}), leave: vi.fn(), close: vi.fn() };
  const enterRoom = vi.fn(async (_s: FakeSocket, r: MyRoom) => {
    room = r;
  });
  const onRestoreFailed = vi.fn();
  const session = new RoomSession<FakeSocket>({
    socket: () => socket,
    myRoom: () => room,
    floorLoaded: () => false,
    roomExists: (id) => rooms.has(id),
    subscribe: (fn) => {
      notify = fn;
      return () => {};
    },
    createClient: () => client as unknown as SessionMediaClient,
    enterRoom,
    onRestoreFailed,
  });
  const flush = () => new Promise((r) => setTimeout(r, 0));
  /** The server's view changes (an event or a snapshot): the floor store notifies. */
  const floor = (r: MyRoom | undefined) => {
    room = r;
    notify();
  };
  return { socket, session, client, enterRoom, onRestoreFailed, floor, flush, rooms };
}

describe('RoomSession', () => {
  it('joins the media of my room once the connection’s snapshot is in, and leaves when I leave', async () => {
    const s = setup();
    s.socket.connect();
    s.floor({ roomId: 'r1', listenOnly: false });
    expect(s.client.join).not.toHaveBeenCalled(); // no snapshot of this connection yet
    s.socket.snapshot();
    await s.flush();
    expect(s.client.join).toHaveBeenCalledTimes(1);
    s.floor({ roomId: 'r1', listenOnly: false }); // unrelated floor change
    expect(s.client.join).toHaveBeenCalledTimes(1);
    s.floor({ roomId: 'r2', listenOnly: true }); // switched rooms, listening in
    expect(s.client.join).toHaveBeenLastCalledWith({ listenOnly: true });
    s.floor(undefined);
    expect(s.client.leave).toHaveBeenCalledTimes(1);
    expect(s.enterRoom).not.toHaveBeenCalled(); // left on purpose: not re-entered
  });

  it('a dropped socket leaves media at once and joins again after the new connection’s snapshot', async () => {
    const s = setup();
    s.socket.connect();
    s.socket.snapshot();
    s.floor({ roomId: 'r1', listenOnly: false });
    s.socket.drop();
    expect(s.client.leave).toHaveBeenCalledTimes(1);
    s.socket.connect();
    s.floor({ roomId: 'r1', listenOnly: false }); // stale store before the snapshot: wait
    expect(s.client.join).toHaveBeenCalledTimes(1);
    s.socket.snapshot();
    await s.flush();
    expect(s.client.join).toHaveBeenCalledTimes(2);
    expect(s.enterRoom).not.toHaveBeenCalled();
  });

  it('after a server restart forgot the room, re-enters it once, then joins its media', async () => {
    const s = setup();
    s.socket.connect();
    s.socket.snapshot();
    s.floor({ roomId: 'r1', listenOnly: true });
    s.socket.drop();
    s.socket.connect();
    s.floor(undefined); // the restarted server's snapshot: in no room
    s.socket.snapshot();
    await s.flush();
    expect(s.enterRoom).toHaveBeenCalledTimes(1);
    expect(s.enterRoom.mock.calls[0]?.[1]).toEqual({ roomId: 'r1', listenOnly: true });
    s.floor({ roomId: 'r1', listenOnly: true });
    expect(s.client.join).toHaveBeenCalledTimes(2);
    // The user leaves later on this connection: nothing brings them back.
    s.floor(undefined);
    expect(s.enterRoom).toHaveBeenCalledTimes(1);
  });

  it('a re-entry the room refuses (full meanwhile) is reported once, for the page to say so', async () => {
    const s = setup();
    s.socket.connect();
    s.socket.snapshot();
    s.floor({ roomId: 'r1', listenOnly: false });
    s.socket.drop();
    const full = new Error('CONFLICT');
    s.enterRoom.mockRejectedValueOnce(full);
    s.socket.connect();
    s.floor(undefined);
    s.socket.snapshot();
    await s.flush();
    expect(s.onRestoreFailed).toHaveBeenCalledWith('r1', full);
    // Not tried again on the next floor change: the person decides.
    s.floor(undefined);
    await s.flush();
    expect(s.enterRoom).toHaveBeenCalledTimes(1);
    expect(s.onRestoreFailed).toHaveBeenCalledTimes(1);
  });

  it('does not re-enter a room that no longer exists', async () => {
    const s = setup();
    s.socket.connect();
    s.socket.snapshot();
    s.floor({ roomId: 'r1', listenOnly: false });
    s.socket.drop();
    s.rooms.delete('r1');
    s.socket.connect();
    s.floor(undefined);
    s.socket.snapshot();
    await s.flush();
    expect(s.enterRoom).not.toHaveBeenCalled();
  });
});

describe('signalFor', () => {
  it('a media request while the socket is down fails at once and is never queued for the next server', async () => {
    const emitted: string[] = [];
    const socket = {
      connected: false,
      timeout: () => ({ emit: (event: string) => emitted.push(event) }),
    };
    const signal = signalFor(socket as unknown as ClientSocket);
    await expect(signal.request('media:createTransport', { direction: 'recv' })).rejects.toMatchObject({
      body: { code: 'UNAVAILABLE' },
    });
    expect(emitted).toEqual([]);
    // Connected: the request goes out.
    socket.connected = true;
    void signal.request('media:createTransport', { direction: 'recv' }).catch(() => {});
    expect(emitted).toEqual(['media:createTransport']);
  });
});
