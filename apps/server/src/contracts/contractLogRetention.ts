import { CONTRACT_LOG_RETENTION_YEARS } from '@tsudoi/protocol';

/**
 * The contract log's retention (R17: 8 years), pure. An entry written at `at` is kept until the same
 * calendar instant 8 years later (UTC); only then may anything remove it.
 */
export function contractLogRetainUntil(at: Date, years = CONTRACT_LOG_RETENTION_YEARS): Date {
  const d = new Date(at.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}

/** Whether an entry written at `at` may be removed at `now`. */
export function contractLogEntryExpired(at: Date, now: Date): boolean {
  return contractLogRetainUntil(at).getTime() <= now.getTime();
}

/** Entries written at or before this instant have expired at `now`. */
export function contractLogCutoff(now: Date, years = CONTRACT_LOG_RETENTION_YEARS): Date {
  const d = new Date(now.getTime());
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d;
}
