/**
 * A negative check over a window: `check` must pass on every poll for `ms` (e.g. nobody is dropped while a
 * grace period runs). Unlike a fixed sleep followed by one look, a change at any moment in the window fails
 * the test, and the window is the product's own period, not a guess at how slow the machine is. The only
 * pause is the polling interval.
 */
export async function expectStays(ms: number, check: () => Promise<void>, intervalMs = 250): Promise<void> {
  const end = Date.now() + ms;
  do {
    await check();
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  } while (Date.now() < end);
  await check();
}
