import type { Store } from '../store.js';
import { describeAccountsInTransactionContract } from './accountsInTransaction.contract.js';
import { describeChallengesContract } from './challenges.contract.js';
import { describeEmailTokensContract } from './emailTokens.contract.js';
import { describeInvitationsContract } from './invitations.contract.js';
import { describeMembershipsContract } from './memberships.contract.js';
import { describeSessionsContract } from './sessions.contract.js';
import { describeUsersContract } from './users.contract.js';

/** Every account repository's contract suite, for one engine (`storage/<engine>/accountRepos.test.ts`). */
export function describeAccountContracts(engine: string, makeStore: () => Promise<Store>) {
  describeUsersContract(engine, makeStore);
  describeSessionsContract(engine, makeStore);
  describeChallengesContract(engine, makeStore);
  describeEmailTokensContract(engine, makeStore);
  describeMembershipsContract(engine, makeStore);
  describeInvitationsContract(engine, makeStore);
  describeAccountsInTransactionContract(engine, makeStore);
}
