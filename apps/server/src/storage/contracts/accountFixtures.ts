import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect } from 'vitest';
import type { Invitation, Lockout, Membership, SigninChallenge, Store, User } from '../store.js';

/** Shared inputs of the account contract suites: fixed times, fresh ids, records every engine accepts. */
export const T0 = '2026-12-01T10:00:00.000Z';
export const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

/** The account lockout for one failure at `now`: a 30-minute lock at `threshold` failures. */
export const lockout = (now = T0, threshold = 5): Lockout => ({
  threshold,
  lockUntil: new Date(Date.parse(now) + 30 * 60_000).toISOString(),
  now,
});

export function userRecord(over: Partial<User> = {}): User {
  return {
    id: randomUUID(),
    email: `${randomUUID()}@example.com`,
    displayName: 'U',
    locale: 'en',
    passwordHash: 'x',
    passwordChangedAt: T0,
    emailVerifiedAt: T0,
    mfaEnabled: true,
    failedSignins: 0,
    lockedUntil: null,
    createdAt: T0,
    ...over,
  };
}

/** Creates a user and checks it was created. */
export async function newUser(store: Store, over: Partial<User> = {}): Promise<User> {
  const u = userRecord(over);
  expect(await store.accounts.users.create(u)).toBe(true);
  return u;
}

export async function newWorkspace(store: Store): Promise<string> {
  const id = randomUUID();
  await store.workspaces.create({ id, name: 'W', plan: 'free', timeZone: 'UTC', createdAt: T0 });
  return id;
}

export function challengeRecord(userId: string, over: Partial<SigninChallenge> = {}): SigninChallenge {
  return {
    id: randomUUID(),
    userId,
    codeHash: 'h',
    createdAt: T0,
    expiresAt: at(10),
    failedAttempts: 0,
    sends: 1,
    lastSentAt: T0,
    consumedAt: null,
    ...over,
  };
}

export async function newChallenge(store: Store, userId: string, over: Partial<SigninChallenge> = {}) {
  const c = challengeRecord(userId, over);
  await store.accounts.challenges.create(c);
  return c.id;
}

export async function newMember(
  store: Store,
  workspaceId: string,
  userId: string,
  over: Partial<Membership> = {},
): Promise<Membership> {
  const m: Membership = { workspaceId, userId, role: 'member', status: 'active', joinedAt: T0, ...over };
  await store.accounts.memberships.add(m);
  return m;
}

export function invitationRecord(workspaceId: string, over: Partial<Invitation> = {}): Invitation {
  return {
    id: randomUUID(),
    workspaceId,
    tokenHash: randomUUID(),
    email: `${randomUUID()}@example.com`,
    role: 'member',
    invitedBy: 'admin-1',
    createdAt: T0,
    expiresAt: at(7 * 24 * 60),
    acceptedAt: null,
    revokedAt: null,
    ...over,
  };
}

/** Common set-up of every account suite (call inside `describe`): a fresh store per test, closed after it. */
export function freshStore(makeStore: () => Promise<Store>): () => Store {
  let store: Store | undefined;
  beforeEach(async () => {
    store = await makeStore();
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
  return () => {
    if (!store) throw new Error('store used outside a test');
    return store;
  };
}
