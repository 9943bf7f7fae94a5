import type {
  AccountStore,
  Invitation,
  InvitationRepo,
  Membership,
  MembershipRepo,
  User,
  UserRepo,
} from '../auth/accountStore.js';
import type { PersonalDataCodec } from './personalData.js';

type Profiled = Membership & { email: string; displayName: string };

/** `inner` with some members replaced; the rest reach the engine's repository unchanged (bound to it). */
export function over<T extends object>(inner: T, members: Partial<T>): T {
  return new Proxy(inner, {
    get(target, prop) {
      if (Object.hasOwn(members, prop)) return members[prop as keyof T];
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
    // An assignment replaces the member seen through the wrapper (tests inject failures this way).
    set(target, prop, value) {
      if (Object.hasOwn(members, prop)) {
        (members as Record<PropertyKey, unknown>)[prop] = value;
        return true;
      }
      return Reflect.set(target, prop, value, target);
    },
  });
}

function users(inner: UserRepo, c: PersonalDataCodec): UserRepo {
  const seal = (u: User): User => ({
    ...u,
    email: c.sealEmail(u.email),
    displayName: c.sealName(u.id, u.displayName),
  });
  const open = (u: User | undefined): User | undefined =>
    u && { ...u, email: c.openEmail(u.email), displayName: c.openName(u.id, u.displayName) };
  // A row written before R19 holds the plain address: still found (and still taken), so old accounts sign in.
  const byEmail = async (email: string) =>
    (await inner.getByEmail(c.sealEmail(email))) ?? (await inner.getByEmail(email));
  return over(inner, {
    async create(u) {
      if (await inner.getByEmail(u.email)) return false;
      return inner.create(seal(u));
    },
    insert: (u) => inner.insert(seal(u)),
    getById: async (id) => open(await inner.getById(id)),
    getByEmail: async (email) => open(await byEmail(email)),
    update: (id, patch) =>
      inner.update(
        id,
        patch.displayName === undefined
          ? patch
          : { ...patch, displayName: c.sealName(id, patch.displayName) },
      ),
  });
}

function memberships(inner: MembershipRepo, c: PersonalDataCodec): MembershipRepo {
  const open = (m: Profiled): Profiled => ({
    ...m,
    email: c.openEmail(m.email),
    displayName: c.openName(m.userId, m.displayName),
  });
  return over(inner, {
    // The engines order by the stored (sealed) name: order again by the real one, then by id.
    listByWorkspace: async (ws) =>
      (await inner.listByWorkspace(ws))
        .map(open)
        .sort((a, b) =>
          a.displayName !== b.displayName
            ? a.displayName < b.displayName
              ? -1
              : 1
            : a.userId < b.userId
              ? -1
              : 1,
        ),
    getMany: async (ws, ids) => (await inner.getMany(ws, ids)).map(open),
  });
}

function invitations(inner: InvitationRepo, c: PersonalDataCodec): InvitationRepo {
  const seal = (inv: Invitation): Invitation => ({ ...inv, email: c.sealEmail(inv.email) });
  const open = (inv: Invitation): Invitation => ({ ...inv, email: c.openEmail(inv.email) });
  const maybe = (inv: Invitation | undefined) => inv && open(inv);
  return over(inner, {
    create: (inv) => inner.create(seal(inv)),
    pendingFor: async (ws, email, at) => maybe(await inner.pendingFor(ws, c.sealEmail(email), at)),
    createOrRefresh: async (inv, at) => open(await inner.createOrRefresh(seal(inv), at)),
    async createAllNew(invs, at) {
      const r = await inner.createAllNew(invs.map(seal), at);
      return r && { pending: c.openEmail(r.pending) };
    },
    getByTokenHash: async (hash) => maybe(await inner.getByTokenHash(hash)),
    listByWorkspace: async (ws) => (await inner.listByWorkspace(ws)).map(open),
  });
}

/**
 * Personal data encrypted at rest (R19): the account repositories with emails and display names sealed on
 * the way in and opened on the way out ({@link PersonalDataCodec}); sessions, challenges and tokens hold no
 * personal data and pass through. Applied to the store the whole server uses (`storage/sealedStore.ts`).
 */
export function sealedAccounts(inner: AccountStore, codec: PersonalDataCodec): AccountStore {
  return over(inner, {
    users: users(inner.users, codec),
    memberships: memberships(inner.memberships, codec),
    invitations: invitations(inner.invitations, codec),
  });
}
