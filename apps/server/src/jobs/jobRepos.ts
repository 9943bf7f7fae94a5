/**
 * Named leases so that only one server instance runs a job at a time (e.g. the 1:00 a.m. purge).
 * A lease is held until `expiresAt`; the holder may renew it, others may take it once it expired.
 */
export interface LeaseRepo {
  tryAcquire(name: string, holder: string, now: Date, ttlMs: number): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
}

/** Key/value facts about the store itself (e.g. when a job last ran). */
export interface MetaRepo {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}
