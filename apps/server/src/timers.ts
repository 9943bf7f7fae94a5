/**
 * Time as a dependency: domain objects receive a `Clock` and `Timers` so tests drive them with fake time
 * (vitest's `vi.useFakeTimers()` patches the globals the real implementations call).
 */
/** Same shape as the accounts domain's `Clock` (a function returning now), so either can be passed. */
export type Clock = () => Date;

/** Opaque: whatever `setTimeout` returned. */
export type TimerHandle = unknown;

export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = () => new Date();

/** Reads the globals on every call (not at import) so fake timers installed later still apply. */
export const systemTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A pending grace period or invitation must not keep the process alive at shutdown.
    t.unref?.();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
