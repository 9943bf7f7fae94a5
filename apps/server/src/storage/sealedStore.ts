import type { DataKeys } from '../crypto/dataKeys.js';
import { PersonalDataCodec } from '../crypto/personalData.js';
import { over, sealedAccounts } from '../crypto/sealedAccounts.js';
import { sealedContracts } from '../crypto/sealedContracts.js';
import { sealedMessages } from '../crypto/sealedMessages.js';
import type { Repos, Store } from './store.js';

/**
 * The store as the server uses it, with encryption at rest (R19): message bodies, personal data and
 * contract holders are sealed on the way in and opened on the way out, for the direct repositories and
 * inside `transaction` alike, on either engine. Everything else (other repositories, `migrate`, `flushDeletions`, `close`, an
 * engine's own members such as SQLite's `db`) reaches the engine's store unchanged. The engine underneath
 * only ever holds sealed values. Migrate `store` and check the master key (`DataKeys.verify`) first.
 */
export async function sealedStore<S extends Store>(store: S, keys: DataKeys): Promise<S> {
  const codec = await PersonalDataCodec.open(keys);
  const seal = <R extends Pick<Repos, 'messages' | 'accounts' | 'contracts'>>(r: R): Partial<R> =>
    ({
      messages: sealedMessages(r.messages, keys),
      accounts: sealedAccounts(r.accounts, codec),
      contracts: sealedContracts(r.contracts, keys),
    }) as Partial<R>;
  return over(store, {
    ...seal(store),
    transaction: (fn) => store.transaction((tx) => fn(over(tx, seal(tx)))),
  } as Partial<S>);
}
