/**
 * A stand-in for a repository not built yet on Firestore: constructing it is free, calling any method
 * (at any depth, e.g. `accounts.users.create`) rejects with `not implemented yet: <repo> on Firestore`.
 */
export function notImplemented<T>(repo: string): T {
  const fail = () => Promise.reject(new Error(`not implemented yet: ${repo} on Firestore`));
  const proxy = (path: string): unknown =>
    new Proxy(fail, {
      get: (_t, prop) => (prop === 'then' || typeof prop === 'symbol' ? undefined : proxy(`${path}.${prop}`)),
      apply: () => Promise.reject(new Error(`not implemented yet: ${path} on Firestore`)),
    });
  return proxy(repo) as T;
}
