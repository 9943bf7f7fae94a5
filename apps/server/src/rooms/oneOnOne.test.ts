import { randomUUID } from 'node:crypto';
import type { PersonRef } from '@tsudoi/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock, systemTimers } from '../timers.js';
import { Floor } from './floor.js';
import { MemoryRoomRepo } from './memoryRoomRepo.js';
import {
  DEFAULT_INVITE_TTL_MS,
  type Invitation,
  nextInvitationState,
  OneOnOneInvitations,
} from './oneOnOne.js';

const person = (displayName: string): PersonRef => ({ userId: randomUUID(), displayName });

describe('invitation state machine', () => {
  it('moves only from pending, once', () => {
    expect(nextInvitationState('pending', 'accept')).toBe('accepted');
    expect(nextInvitationState('pending', 'decline')).toBe('declined');
    expect(nextInvitationState('pending', 'expire')).toBe('expired');
    expect(nextInvitationState('pending', 'cancel')).toBe('cancelled');
    expect(nextInvitationState('accepted', 'decline')).toBeNull();
    expect(nextInvitationState('expired', 'accept')).toBeNull();
  });
});

describe('OneOnOneInvitations', () => {
  const [alice, bob, carol] = [person('Alice'), person('Bob'), person('Carol')];
  let online: Set<string>;
  let floor: Floor;
  let invitations: OneOnOneInvitations;
  let answered: Invitation[];

  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-11-27T09:00:00Z') });
    online = new Set([alice.userId, bob.userId]);
    const people = new Map([alice, bob, carol].map((p) => [p.userId, p]));
    floor = new Floor(randomUUID(), { repo: new MemoryRoomRepo(), clock: systemClock });
    invitations = new OneOnOneInvitations({
      floor,
      findOnline: (id) => (online.has(id) ? people.get(id) : undefined),
      clock: systemClock,
      timers: systemTimers,
    });
    answered = [];
    invitations.on('answered', (i) => answered.push({ ...i }));
  });
  afterEach(() => {
    invitations.close();
    vi.useRealTimers();
  });

  it('accepting opens a private room and moves both people into it', async () => {
    const lounge = await floor.createRoom({ name: 'Lounge' });
    floor.join(alice, lounge.id);
    const invited = vi.fn();
    invitations.on('invited', invited);
    const inv = invitations.invite(alice, bob.userId);
    expect(inv).toMatchObject({ state: 'pending', to: bob, expiresAt: new Date('2026-11-27T09:00:30Z') });
    expect(invited).toHaveBeenCalledWith(inv);
    expect(invitations.invite(alice, bob.userId)).toBe(inv); // no duplicate
    expect(invitations.pendingFor(bob.userId)).toEqual([inv]);

    const done = invitations.respond(bob.userId, inv.id, true);
    expect(done.state).toBe('accepted');
    const room = floor.roomOf(alice.userId);
    expect(room?.kind).toBe('oneOnOne');
    expect(room?.id).toBe(done.roomId);
    expect(floor.roomOf(bob.userId)).toBe(room);
    expect(lounge.size).toBe(0);
    expect(answered).toMatchObject([{ id: inv.id, state: 'accepted', roomId: room?.id }]);
    expect(() => invitations.respond(bob.userId, inv.id, true)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
  });

  it('declining leaves everyone where they were', () => {
    const inv = invitations.invite(alice, bob.userId);
    expect(invitations.respond(bob.userId, inv.id, false).state).toBe('declined');
    expect(floor.roomOf(alice.userId)).toBeUndefined();
    expect(floor.rooms).toEqual([]);
    expect(answered.map((a) => a.state)).toEqual(['declined']);
  });

  it('expires after its time-to-live', () => {
    const inv = invitations.invite(alice, bob.userId);
    vi.advanceTimersByTime(DEFAULT_INVITE_TTL_MS - 1);
    expect(answered).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(answered).toMatchObject([{ id: inv.id, state: 'expired' }]);
    expect(() => invitations.respond(bob.userId, inv.id, true)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(floor.rooms).toEqual([]);
  });

  it('only the invitee answers and only the inviter cancels', () => {
    const inv = invitations.invite(alice, bob.userId);
    expect(() => invitations.respond(alice.userId, inv.id, true)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(() => invitations.cancel(bob.userId, inv.id)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(invitations.cancel(alice.userId, inv.id).state).toBe('cancelled');
    vi.advanceTimersByTime(DEFAULT_INVITE_TTL_MS);
    expect(answered.map((a) => a.state)).toEqual(['cancelled']);
  });

  it('refuses offline members and oneself', () => {
    expect(() => invitations.invite(alice, carol.userId)).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    );
    expect(() => invitations.invite(alice, alice.userId)).toThrow(
      expect.objectContaining({ code: 'BAD_REQUEST' }),
    );
  });

  it('cancels pending invitations of someone who went offline', () => {
    invitations.invite(alice, bob.userId);
    invitations.handleOffline(bob.userId);
    expect(answered.map((a) => a.state)).toEqual(['cancelled']);
    expect(invitations.pendingFor(bob.userId)).toEqual([]);
  });

  it('close() clears every expiry timer', () => {
    invitations.invite(alice, bob.userId);
    invitations.close();
    expect(vi.getTimerCount()).toBe(0);
    expect(() => invitations.invite(alice, bob.userId)).toThrow(
      expect.objectContaining({ code: 'UNAVAILABLE' }),
    );
  });
});
