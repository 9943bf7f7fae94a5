/**
 * Several writes as one (`store.transaction(fn)`), typed by the repositories `fn` may use: a service
 * declares the narrow shape it needs, e.g. `UnitOfWork<{ workspaces: WorkspaceRepo }>`, and the
 * composition root (`app.ts`) hands it the store's. Rules for `fn` (both engines, see storage/store.ts):
 * it may run more than once, so its only side effects go through `tx` (mail, events and audit records come
 * after `transaction` resolves); every read comes before every write; it awaits nothing but `tx` calls (no
 * hashing, timers or I/O: do those before); no bulk deletes. A repository method that is atomic on its own
 * reads and writes, so at most one such method per `fn`, after the plain reads and before the plain writes.
 */
export interface UnitOfWork<R> {
  transaction<T>(fn: (tx: R) => Promise<T>): Promise<T>;
}
