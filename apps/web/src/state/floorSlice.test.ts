import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it } from 'vitest';
import { bindFloorEvents, floorActions, selectMyRoom, useFloorStore } from './floorSlice';

const WS = '00000000-0000-4000-8000-000000000000';
const ME = '00000000-0000-4000-8000-0000000000a1';
const A = '00000000-0000-4000-8000-00000000000a';
const T = '2030-01-01T00:00:00.000Z';

describe('floor store', () => {
  beforeEach(() => floorActions.reset(WS, ME));

  it('is fed by socket events and stops listening once unbound', () => {
    const socket = new EventEmitter();
    const unbind = bindFloorEvents(socket);
    socket.emit('floor:snapshot', { workspaceId: WS, rooms: [], members: [], serverTime: T });
    expect(useFloorStore.getState().loaded).toBe(true);
    socket.emit('floor:roomUpdated', {
      id: A,
      name: 'Alpha',
      kind: 'open',
      capacity: 4,
      archived: false,
      participants: [{ userId: ME, displayName: 'Me', listenOnly: true, since: T }],
    });
    expect(selectMyRoom(useFloorStore.getState())?.name).toBe('Alpha');
    unbind();
    expect(socket.eventNames()).toEqual([]);
    socket.emit('floor:roomRemoved', { roomId: A });
    expect(selectMyRoom(useFloorStore.getState())?.name).toBe('Alpha');
  });

  it('reset forgets the previous workspace', () => {
    floorActions.events['floor:snapshot']({ workspaceId: WS, rooms: [], members: [], serverTime: T });
    floorActions.reset('00000000-0000-4000-8000-0000000000ff', ME);
    expect(useFloorStore.getState()).toMatchObject({ loaded: false, rooms: {}, members: {} });
  });
});
