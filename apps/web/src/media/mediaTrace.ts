/**
 * A debug timeline of the way back into a room's media (socket connected, room re-entered, media joined,
 * transports, producers, consumers, first packets), for measuring where the seconds go after a server
 * restart. Off unless the page defines `window.__tsudoiMediaTrace` as an array (the browser tests do, via
 * an init script); then every step is appended to it with its wall-clock time. Costs one property read
 * per step when off.
 */
export interface TraceEntry {
  /** Date.now() when the step happened. */
  at: number;
  step: string;
  detail?: string;
}

type TraceSink = { __tsudoiMediaTrace?: TraceEntry[] };

export function trace(step: string, detail?: string): void {
  const sink = (globalThis as TraceSink).__tsudoiMediaTrace;
  if (!Array.isArray(sink)) return;
  sink.push(detail === undefined ? { at: Date.now(), step } : { at: Date.now(), step, detail });
  // A long-open page must not grow it without bound.
  if (sink.length > 2_000) sink.splice(0, sink.length - 2_000);
}
