import type { Repos, Store } from '../storage/store.js';

/** The error a {@link failInNextTransaction} step throws. */
export const INJECTED = 'injected storage failure';

/** `obj` with `method` replaced by `replacement`; other methods stay bound to `obj` (classes keep their fields). */
function overriding<T extends object>(
  obj: T,
  method: string,
  replacement: (...args: unknown[]) => unknown,
): T {
  return new Proxy(obj, {
    get(target, prop) {
      if (prop === method) return replacement;
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Makes the store's next transaction fail midway: inside it, `repo.method` (e.g. `accounts.memberships`
 * `add`) throws {@link INJECTED} instead of writing, as a storage error would after the earlier writes of
 * the same transaction went through. Calls made through `spy` (e.g. `workspaces` `create`) are recorded
 * and still performed, so a test can look for what they wrote. Later transactions are untouched.
 * Returns the recorded calls. Works with either engine: it wraps `store.transaction` and the `tx` it hands out.
 */
export function failInNextTransaction(
  store: Store,
  fail: { repo: string; method: string },
  spy?: { repo: string; method: string },
): unknown[][] {
  const calls: unknown[][] = [];
  const original = store.transaction;
  const path = (repo: string) => repo.split('.');
  const replaceIn = (
    tx: object,
    repo: string,
    method: string,
    fn: (...args: unknown[]) => unknown,
  ): object => {
    const [head, ...rest] = path(repo);
    const inner = Reflect.get(tx, head!) as object;
    const replaced =
      rest.length === 0 ? overriding(inner, method, fn) : replaceIn(inner, rest.join('.'), method, fn);
    return new Proxy(tx, {
      get: (target, prop) => (prop === head ? replaced : Reflect.get(target, prop, target)),
    });
  };
  store.transaction = function once<T>(this: Store, fn: (tx: Repos) => Promise<T>): Promise<T> {
    store.transaction = original; // only this transaction
    return original.call(store, (tx: Repos) => {
      let wrapped: object = replaceIn(tx, fail.repo, fail.method, async () => {
        throw new Error(INJECTED);
      });
      if (spy) {
        const real = path(spy.repo).reduce<object>((o, k) => Reflect.get(o, k) as object, tx);
        const method = Reflect.get(real, spy.method) as (...args: unknown[]) => unknown;
        wrapped = replaceIn(wrapped, spy.repo, spy.method, (...args: unknown[]) => {
          calls.push(args);
          return method.apply(real, args);
        });
      }
      return fn(wrapped as Repos);
    }) as Promise<T>;
  } as Store['transaction'];
  return calls;
}
