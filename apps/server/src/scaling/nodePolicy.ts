/**
 * Pure timing rule for node liveness (several nodes). A node renews its heartbeat every `beatMs`; the
 * key lives `ttlMs` = grace period + one beat, so a node that stops is declared gone no earlier than the
 * grace period after its last renewal, and no later than grace + beat + sweep: the same wait a person
 * whose tab closed gets on one node (15 s by default → gone after 15–21 s).
 */
export interface NodeTimings {
  ttlMs: number;
  beatMs: number;
  sweepMs: number;
}

export function nodeTimings(graceMs: number): NodeTimings {
  const beatMs = Math.max(100, Math.min(5_000, Math.round(graceMs / 5)));
  const sweepMs = Math.max(100, Math.min(1_000, Math.round(graceMs / 10)));
  return { ttlMs: graceMs + beatMs, beatMs, sweepMs };
}
