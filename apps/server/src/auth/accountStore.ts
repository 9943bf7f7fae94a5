/**
 * Repositories for accounts. Users are global identities (one email, several workspaces); everything a
 * workspace owns (memberships, invitations) carries its workspaceId and is only read through it.
 */

export type Locale = 'ja' | 'en';
export type Role = 'owner' | 'admin' | 'member';

export interface User {
  id: string;
  /** Lower-cased; the user's ID (R9). */
  email: string;
  displayName: string;
  locale: Locale;
  passwordHash: string | null;
  passwordChangedAt: string | null;
  emailVerifiedAt: string | null;
  mfaEnabled: boolean;
  failedSignins: number;
  lockedUntil: string | null;
  createdAt: string;
}

/** How the account-wide lockout (R13) applies to one failed attempt. */
export interface Lockout {
  threshold: number;
  /** When the lock ends if this failure reaches the threshold. */
  lockUntil: string;
  now: string;
}

/** The account's failure count after one more failed attempt. */
export interface LockoutCount {
  failures: number;
  locked: boolean;
}

export interface UserRepo {
  /** False when the email is taken. */
  create(user: User): Promise<boolean>;
  /**
   * Creates the account as plain writes, without reading first, so a unit of work may create many (an
   * import, after the caller looked the addresses up): if the address has an account by then, the write
   * fails and the whole unit with it. Outside a unit it rejects at once.
   */
  insert(user: User): Promise<void>;
  getById(id: string): Promise<User | undefined>;
  getByEmail(email: string): Promise<User | undefined>;
  update(id: string, patch: Partial<Omit<User, 'id' | 'email' | 'createdAt'>>): Promise<void>;
  /**
   * Atomically counts a failed sign-in (wrong password); locks until `lockUntil` when the count reaches
   * `threshold`. A lock that expired before `now` starts a new count.
   */
  recordFailedSignin(id: string, lockout: Lockout): Promise<LockoutCount>;
  addPasswordHistory(userId: string, passwordHash: string, at: string): Promise<void>;
  /** The `n` most recent password hashes, newest first. */
  recentPasswordHashes(userId: string, n: number): Promise<string[]>;
}

export interface Session {
  /** sha256 of the cookie token; the token itself is never stored. */
  id: string;
  userId: string;
  csrfToken: string;
  /** How the session was established: 'password+email-otp', 'password', or 'saml:<workspaceId>' (sso/). */
  method: string;
  createdAt: string;
  lastSeenAt: string;
  /** Absolute expiry. */
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
}

export interface SessionRepo {
  create(session: Session): Promise<void>;
  get(id: string): Promise<Session | undefined>;
  touch(id: string, lastSeenAt: string): Promise<void>;
  delete(id: string): Promise<void>;
  /** Ends every session of a user; returns how many. */
  deleteAllForUser(userId: string): Promise<number>;
}

/** One password-verified sign-in attempt waiting for its email code. */
export interface SigninChallenge {
  id: string;
  userId: string;
  codeHash: string;
  createdAt: string;
  expiresAt: string;
  failedAttempts: number;
  sends: number;
  lastSentAt: string;
  consumedAt: string | null;
  /**
   * The session method the code completes when it is not a password sign-in: `saml:<workspaceId>` for a
   * workspace whose IdP sign-in also needs the email code (R11, configurable). Absent: password + code.
   */
  via?: string;
}

export interface ChallengeRepo {
  create(c: SigninChallenge): Promise<void>;
  get(id: string): Promise<SigninChallenge | undefined>;
  update(id: string, patch: Partial<Omit<SigninChallenge, 'id' | 'userId'>>): Promise<void>;
  /**
   * Counts one wrong code, atomically (one transaction: a document store does it in one transaction too):
   * the challenge's attempts and the account's lockout count both grow by one. Undefined when the challenge
   * was already over (consumed, or `maxFailures` reached): then nothing is counted.
   */
  recordCodeFailure(
    id: string,
    maxFailures: number,
    lockout: Lockout,
  ): Promise<{ attempts: number; account: LockoutCount } | undefined>;
  /** Marks consumed only if it was not and fewer than `maxFailures` wrong codes were counted: true for exactly one caller. */
  consume(id: string, at: string, maxFailures: number): Promise<boolean>;
  /** Ends every open sign-in attempt of a user (their password changed); returns how many. */
  endAllForUser(userId: string, at: string): Promise<number>;
}

/** What an emailed link is for. */
export type EmailTokenPurpose = 'verify-email' | 'reset-password';

export interface EmailTokenRepo {
  create(t: { id: string; purpose: EmailTokenPurpose; userId: string; expiresAt: string }): Promise<void>;
  /** The user of a token that is valid, unused and unexpired, without using it. */
  find(id: string, purpose: EmailTokenPurpose, now: string): Promise<string | undefined>;
  /** Uses a token once; returns its user when it was valid, unused and unexpired. */
  consume(id: string, purpose: EmailTokenPurpose, now: string): Promise<string | undefined>;
  /** Uses up every unused token of a user for a purpose (e.g. other reset links after a reset); returns how many. */
  revokeAll(userId: string, purpose: EmailTokenPurpose, at: string): Promise<number>;
}

export interface Membership {
  workspaceId: string;
  userId: string;
  role: Role;
  status: 'active' | 'disabled';
  joinedAt: string;
}

export interface MembershipRepo {
  add(m: Membership): Promise<void>;
  get(workspaceId: string, userId: string): Promise<Membership | undefined>;
  listByUser(userId: string): Promise<Membership[]>;
  listByWorkspace(workspaceId: string): Promise<Array<Membership & { email: string; displayName: string }>>;
  /**
   * The memberships of these users in this workspace, with their email and name (any order, each once):
   * ids that are not members of this workspace are left out. For showing a few people without reading the
   * whole member list.
   */
  getMany(
    workspaceId: string,
    userIds: readonly string[],
  ): Promise<Array<Membership & { email: string; displayName: string }>>;
  update(
    workspaceId: string,
    userId: string,
    patch: Partial<Pick<Membership, 'role' | 'status'>>,
  ): Promise<void>;
  remove(workspaceId: string, userId: string): Promise<void>;
  countActive(workspaceId: string): Promise<number>;
}

export interface Invitation {
  id: string;
  workspaceId: string;
  tokenHash: string;
  email: string;
  role: 'admin' | 'member';
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
}

export interface InvitationRepo {
  create(inv: Invitation): Promise<void>;
  /** The workspace's invitation to `email` that is neither accepted, revoked nor expired at `at`. */
  pendingFor(workspaceId: string, email: string, at: string): Promise<Invitation | undefined>;
  /**
   * Atomically: if the workspace has a pending invitation to `inv.email` at `at`, it takes `inv`'s token,
   * role, inviter and expiry (keeping its id and creation time) and is returned; else `inv` is created.
   * So one address has at most one pending invitation per workspace.
   */
  createOrRefresh(inv: Invitation, at: string): Promise<Invitation>;
  /**
   * Atomically creates every invitation, unless one of their addresses has a pending invitation in its
   * workspace at `at` — then nothing is created and that address is returned. Many invitations as one step
   * of a unit of work (an import) that stays consistent with `createOrRefresh` racing it: one address never
   * gets two pending invitations on either engine.
   */
  createAllNew(invs: readonly Invitation[], at: string): Promise<{ pending: string } | null>;
  getByTokenHash(tokenHash: string): Promise<Invitation | undefined>;
  listByWorkspace(workspaceId: string): Promise<Invitation[]>;
  markAccepted(id: string, at: string): Promise<boolean>;
  revoke(workspaceId: string, id: string, at: string): Promise<boolean>;
}

export interface AccountStore {
  readonly users: UserRepo;
  readonly sessions: SessionRepo;
  readonly challenges: ChallengeRepo;
  readonly emailTokens: EmailTokenRepo;
  readonly memberships: MembershipRepo;
  readonly invitations: InvitationRepo;
}
