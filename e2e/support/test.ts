import { test as base } from '@playwright/test';

/**
 * The `test` every spec uses: Playwright's, plus one automatic clean-up. A browser context a test opens with
 * `browser.newContext()` lives, unless closed, as long as the worker — and a page left behind keeps
 * reconnecting to a server that its spec already stopped (every ≤ 500 ms), with its microphone open if it was
 * in a room, beside every later test. That load made later media tests miss their bounds on a busy machine.
 * So after each test, whatever it passed or failed, the contexts it opened are closed. Contexts opened in a
 * `beforeAll` (shared by a file's tests) existed before the test began and are left to that file's `afterAll`.
 */
export const test = base.extend<{ closeContextsOpenedByTest: undefined }>({
  closeContextsOpenedByTest: [
    async ({ browser }, use) => {
      const before = new Set(browser.contexts());
      await use(undefined);
      const opened = browser.contexts().filter((context) => !before.has(context));
      await Promise.all(opened.map((context) => context.close().catch(() => {})));
    },
    { auto: true },
  ],
});

export { expect } from '@playwright/test';
