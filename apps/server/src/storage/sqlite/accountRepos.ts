import type { Database, Statement } from 'better-sqlite3';
import type {
  AccountStore,
  ChallengeRepo,
  EmailTokenRepo,
  Invitation,
  InvitationRepo,
  Lockout,
  LockoutCount,
  Membership,
  MembershipRepo,
  SessionRepo,
  SigninChallenge,
  User,
  UserRepo,
} from '../../auth/accountStore.js';

type Row = Record<string, unknown>;
/** Column name → property name; the same few dozen columns come back on every row, so each is converted once. */
const camelNames = new Map<string, string>();
const camel = (k: string) => {
  let name = camelNames.get(k);
  if (name === undefined) {
    name = k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    camelNames.set(k, name);
  }
  return name;
};
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/** Maps a snake_case row to a camelCase record. */
const fromRow = <T>(row: Row | undefined): T | undefined => {
  if (!row) return undefined;
  const out: Row = {};
  for (const k in row) out[camel(k)] = row[k];
  return out as T;
};

/** `UPDATE table SET a = @a, ... WHERE <where>` for the defined keys of `patch`. */
function updateSql(table: string, patch: Row, where: string): { sql: string; params: Row } | undefined {
  const keys = Object.keys(patch).filter((k) => patch[k] !== undefined);
  if (keys.length === 0) return undefined;
  const params: Row = {};
  for (const k of keys) params[`p_${k}`] = typeof patch[k] === 'boolean' ? Number(patch[k]) : patch[k];
  return {
    sql: `UPDATE ${table} SET ${keys.map((k) => `${snake(k)} = @p_${k}`).join(', ')} WHERE ${where}`,
    params,
  };
}

const toUser = (row: Row | undefined): User | undefined => {
  const u = fromRow<User & { mfaEnabled: number | boolean }>(row);
  return u && { ...u, mfaEnabled: Boolean(u.mfaEnabled) };
};

/**
 * One more failed attempt on an account, in one statement: a lock that has run out starts a new count,
 * and reaching the threshold locks until `lockUntil`.
 */
function countFailure(db: Database, userId: string, l: Lockout): LockoutCount {
  const next =
    'CASE WHEN locked_until IS NOT NULL AND locked_until <= @now THEN 1 ELSE failed_signins + 1 END';
  const row = db
    .prepare(
      `UPDATE users SET failed_signins = ${next},
         locked_until = CASE WHEN ${next} >= @threshold THEN @lockUntil
           WHEN locked_until IS NOT NULL AND locked_until <= @now THEN NULL ELSE locked_until END
       WHERE id = @userId RETURNING failed_signins`,
    )
    .get({ userId, threshold: l.threshold, lockUntil: l.lockUntil, now: l.now }) as
    | { failed_signins: number }
    | undefined;
  const failures = row?.failed_signins ?? 0;
  return { failures, locked: failures >= l.threshold };
}

function users(db: Database): UserRepo {
  const insertUser = (u: User, onConflict: '' | 'ON CONFLICT(email) DO NOTHING') =>
    db
      .prepare(
        `INSERT INTO users (id, email, display_name, locale, password_hash, password_changed_at, email_verified_at,
           mfa_enabled, failed_signins, locked_until, created_at)
         VALUES (@id, @email, @displayName, @locale, @passwordHash, @passwordChangedAt, @emailVerifiedAt,
           @mfa, @failedSignins, @lockedUntil, @createdAt) ${onConflict}`,
      )
      .run({ ...u, email: u.email.toLowerCase(), mfa: Number(u.mfaEnabled) });
  return {
    async create(u) {
      return insertUser(u, 'ON CONFLICT(email) DO NOTHING').changes === 1;
    },
    async insert(u) {
      insertUser(u, ''); // a taken address violates the unique email: the statement and its unit fail
    },
    async getById(id) {
      return toUser(db.prepare('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined);
    },
    async getByEmail(email) {
      return toUser(
        db.prepare('SELECT * FROM users WHERE email = ?').get(email.toLowerCase()) as Row | undefined,
      );
    },
    async update(id, patch) {
      const u = updateSql('users', patch, 'id = @id');
      if (u) db.prepare(u.sql).run({ ...u.params, id });
    },
    async recordFailedSignin(id, lockout) {
      return countFailure(db, id, lockout);
    },
    async addPasswordHistory(userId, hash, at) {
      db.prepare('INSERT INTO password_history (user_id, password_hash, created_at) VALUES (?, ?, ?)').run(
        userId,
        hash,
        at,
      );
    },
    async recentPasswordHashes(userId, n) {
      return (
        db
          .prepare(
            'SELECT password_hash FROM password_history WHERE user_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?',
          )
          .all(userId, n) as Array<{ password_hash: string }>
      ).map((r) => r.password_hash);
    },
  };
}

function sessions(db: Database): SessionRepo {
  return {
    async create(s) {
      db.prepare(
        `INSERT INTO sessions (id, user_id, csrf_token, method, created_at, last_seen_at, expires_at, ip, user_agent)
         VALUES (@id, @userId, @csrfToken, @method, @createdAt, @lastSeenAt, @expiresAt, @ip, @userAgent)`,
      ).run(s);
    },
    async get(id) {
      return fromRow(db.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as Row | undefined);
    },
    async touch(id, at) {
      db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id = ?').run(at, id);
    },
    async delete(id) {
      db.prepare('DELETE FROM sessions WHERE id = ?').run(id);
    },
    async deleteAllForUser(userId) {
      return db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId).changes;
    },
  };
}

function challenges(db: Database): ChallengeRepo {
  return {
    async create(c: SigninChallenge) {
      db.prepare(
        `INSERT INTO signin_challenges (id, user_id, code_hash, created_at, expires_at, failed_attempts, sends, last_sent_at, consumed_at, via)
         VALUES (@id, @userId, @codeHash, @createdAt, @expiresAt, @failedAttempts, @sends, @lastSentAt, @consumedAt, @via)`,
      ).run({ ...c, via: c.via ?? null });
    },
    async get(id) {
      const c = fromRow<SigninChallenge & { via: string | null }>(
        db.prepare('SELECT * FROM signin_challenges WHERE id = ?').get(id) as Row | undefined,
      );
      if (!c) return undefined;
      const { via, ...rest } = c;
      return via ? { ...rest, via } : rest;
    },
    async update(id, patch) {
      const u = updateSql('signin_challenges', patch, 'id = @id');
      if (u) db.prepare(u.sql).run({ ...u.params, id });
    },
    async recordCodeFailure(id, maxFailures, lockout) {
      // IMMEDIATE: the write lock is taken before the first read, so concurrent failures serialise.
      return db
        .transaction(() => {
          const row = db
            .prepare(
              `UPDATE signin_challenges SET failed_attempts = failed_attempts + 1
               WHERE id = ? AND consumed_at IS NULL AND failed_attempts < ?
               RETURNING failed_attempts, user_id`,
            )
            .get(id, maxFailures) as { failed_attempts: number; user_id: string } | undefined;
          if (!row) return undefined;
          return { attempts: row.failed_attempts, account: countFailure(db, row.user_id, lockout) };
        })
        .immediate();
    },
    async endAllForUser(userId, at) {
      return db
        .prepare('UPDATE signin_challenges SET consumed_at = ? WHERE user_id = ? AND consumed_at IS NULL')
        .run(at, userId).changes;
    },
    async consume(id, at, maxFailures) {
      return (
        db
          .prepare(
            'UPDATE signin_challenges SET consumed_at = ? WHERE id = ? AND consumed_at IS NULL AND failed_attempts < ?',
          )
          .run(at, id, maxFailures).changes === 1
      );
    },
  };
}

function emailTokens(db: Database): EmailTokenRepo {
  return {
    async create(t) {
      db.prepare(
        'INSERT INTO email_tokens (id, purpose, user_id, expires_at) VALUES (@id, @purpose, @userId, @expiresAt)',
      ).run(t);
    },
    async find(id, purpose, now) {
      const row = db
        .prepare(
          'SELECT user_id FROM email_tokens WHERE id = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?',
        )
        .get(id, purpose, now) as { user_id: string } | undefined;
      return row?.user_id;
    },
    async revokeAll(userId, purpose, at) {
      return db
        .prepare('UPDATE email_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL')
        .run(at, userId, purpose).changes;
    },
    async consume(id, purpose, now) {
      const row = db
        .prepare(
          `UPDATE email_tokens SET used_at = @now
           WHERE id = @id AND purpose = @purpose AND used_at IS NULL AND expires_at > @now RETURNING user_id`,
        )
        .get({ id, purpose, now }) as { user_id: string } | undefined;
      return row?.user_id;
    },
  };
}

function memberships(db: Database): MembershipRepo {
  let listStatement: Statement | undefined;
  return {
    async add(m: Membership) {
      db.prepare(
        `INSERT INTO memberships (workspace_id, user_id, role, status, joined_at)
         VALUES (@workspaceId, @userId, @role, @status, @joinedAt)`,
      ).run(m);
    },
    async get(workspaceId, userId) {
      return fromRow(
        db
          .prepare('SELECT * FROM memberships WHERE workspace_id = ? AND user_id = ?')
          .get(workspaceId, userId) as Row | undefined,
      );
    },
    async listByUser(userId) {
      return (db.prepare('SELECT * FROM memberships WHERE user_id = ?').all(userId) as Row[]).map(
        (r) => fromRow<Membership>(r)!,
      );
    },
    async listByWorkspace(workspaceId) {
      // Prepared once: every connecting socket's floor snapshot lists the workspace's members.
      listStatement ??= db.prepare(
        `SELECT m.*, u.email, u.display_name FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.workspace_id = ? ORDER BY u.display_name, m.user_id`,
      );
      return (listStatement.all(workspaceId) as Row[]).map(
        (r) => fromRow<Membership & { email: string; displayName: string }>(r)!,
      );
    },
    async getMany(workspaceId, userIds) {
      const out: Array<Membership & { email: string; displayName: string }> = [];
      const ids = [...new Set(userIds)];
      // Well below SQLite's bound on parameters per statement.
      for (let i = 0; i < ids.length; i += 500) {
        const part = ids.slice(i, i + 500);
        const rows = db
          .prepare(
            `SELECT m.*, u.email, u.display_name FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.workspace_id = ? AND m.user_id IN (${part.map(() => '?').join(', ')})`,
          )
          .all(workspaceId, ...part) as Row[];
        for (const r of rows) out.push(fromRow<Membership & { email: string; displayName: string }>(r)!);
      }
      return out;
    },
    async update(workspaceId, userId, patch) {
      const u = updateSql('memberships', patch, 'workspace_id = @ws AND user_id = @uid');
      if (u) db.prepare(u.sql).run({ ...u.params, ws: workspaceId, uid: userId });
    },
    async remove(workspaceId, userId) {
      db.prepare('DELETE FROM memberships WHERE workspace_id = ? AND user_id = ?').run(workspaceId, userId);
    },
    async countActive(workspaceId) {
      return (
        db
          .prepare("SELECT COUNT(*) AS n FROM memberships WHERE workspace_id = ? AND status = 'active'")
          .get(workspaceId) as {
          n: number;
        }
      ).n;
    },
  };
}

function invitations(db: Database): InvitationRepo {
  // Prepared per call, like the other repositories: the tables may not exist until the store migrated.
  const insert = (inv: Invitation) =>
    db
      .prepare(
        `INSERT INTO invitations (id, workspace_id, token_hash, email, role, invited_by, created_at, expires_at, accepted_at, revoked_at)
         VALUES (@id, @workspaceId, @tokenHash, @email, @role, @invitedBy, @createdAt, @expiresAt, @acceptedAt, @revokedAt)`,
      )
      .run({ ...inv, email: inv.email.toLowerCase() });
  const pending = (workspaceId: string, email: string, at: string) =>
    fromRow<Invitation>(
      db
        .prepare(
          `SELECT * FROM invitations WHERE workspace_id = ? AND email = ? AND accepted_at IS NULL
           AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC LIMIT 1`,
        )
        .get(workspaceId, email.toLowerCase(), at) as Row | undefined,
    );
  return {
    async create(inv: Invitation) {
      insert(inv);
    },
    async getByTokenHash(tokenHash) {
      return fromRow(
        db.prepare('SELECT * FROM invitations WHERE token_hash = ?').get(tokenHash) as Row | undefined,
      );
    },
    async pendingFor(workspaceId, email, at) {
      return pending(workspaceId, email, at);
    },
    async createOrRefresh(inv, at) {
      // IMMEDIATE: two invitations to one address at once cannot both create one.
      return db
        .transaction((): Invitation => {
          const found = pending(inv.workspaceId, inv.email, at);
          if (!found) {
            insert(inv);
            return { ...inv, email: inv.email.toLowerCase() };
          }
          const { tokenHash, role, invitedBy, expiresAt } = inv;
          const refreshed: Invitation = { ...found, tokenHash, role, invitedBy, expiresAt };
          db.prepare(
            `UPDATE invitations SET token_hash = @tokenHash, role = @role, invited_by = @invitedBy,
             expires_at = @expiresAt WHERE id = @id`,
          ).run(refreshed);
          return refreshed;
        })
        .immediate();
    },
    async createAllNew(invs, at) {
      return db.transaction((): { pending: string } | null => {
        const clash = invs.find((inv) => pending(inv.workspaceId, inv.email, at));
        if (clash) return { pending: clash.email.toLowerCase() };
        for (const inv of invs) insert(inv);
        return null;
      })();
    },
    async listByWorkspace(workspaceId) {
      return (
        db
          .prepare('SELECT * FROM invitations WHERE workspace_id = ? ORDER BY created_at DESC')
          .all(workspaceId) as Row[]
      ).map((r) => fromRow<Invitation>(r)!);
    },
    async markAccepted(id, at) {
      return (
        db
          .prepare(
            'UPDATE invitations SET accepted_at = ? WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL',
          )
          .run(at, id).changes === 1
      );
    },
    async revoke(workspaceId, id, at) {
      return (
        db
          .prepare(
            'UPDATE invitations SET revoked_at = ? WHERE workspace_id = ? AND id = ? AND accepted_at IS NULL AND revoked_at IS NULL',
          )
          .run(at, workspaceId, id).changes === 1
      );
    },
  };
}

/** The SQLite implementation of the account repositories. */
export function sqliteAccounts(db: Database): AccountStore {
  return {
    users: users(db),
    sessions: sessions(db),
    challenges: challenges(db),
    emailTokens: emailTokens(db),
    memberships: memberships(db),
    invitations: invitations(db),
  };
}
