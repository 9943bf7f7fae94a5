import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import type { Result } from 'axe-core';

/** The impacts a screen must not have (issue 11): what blocks or seriously hinders a person. */
const BLOCKING = new Set(['serious', 'critical']);

/** One axe violation as lines a person can act on: impact, rule, what to fix, and where (first nodes). */
export function describeViolation(v: Result, scheme: 'light' | 'dark'): string {
  const nodes = v.nodes.slice(0, 6).map((n) => {
    const why = (n.failureSummary ?? '').split('\n').slice(1, 3).join(' ').trim();
    const html = n.html.length > 120 ? `${n.html.slice(0, 117)}...` : n.html;
    return `    at ${n.target.join(' ')}  ${html}${why ? `\n       ${why}` : ''}`;
  });
  const more = v.nodes.length > 6 ? [`    ... and ${v.nodes.length - 6} more`] : [];
  return [`[${v.impact}] ${v.id} (${scheme}): ${v.help}  ${v.helpUrl}`, ...nodes, ...more].join('\n');
}

/**
 * The serious and critical axe violations of the page as shown now, in the OS light scheme (every rule
 * axe runs by default) and in the dark scheme (colour contrast only: the rest does not change with it).
 */
export async function blockingViolations(page: Page): Promise<string[]> {
  const out: string[] = [];
  const light = await new AxeBuilder({ page }).analyze();
  for (const v of light.violations) if (BLOCKING.has(v.impact ?? '')) out.push(describeViolation(v, 'light'));
  await page.emulateMedia({ colorScheme: 'dark' });
  try {
    const dark = await new AxeBuilder({ page }).withRules(['color-contrast']).analyze();
    for (const v of dark.violations) if (BLOCKING.has(v.impact ?? '')) out.push(describeViolation(v, 'dark'));
  } finally {
    await page.emulateMedia({ colorScheme: 'light' });
  }
  return out;
}

/** Fails with every serious or critical violation listed (rule, help link, elements) when there is any. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const found = await blockingViolations(page);
  expect(found.length, `${screen}: serious or critical axe violations\n\n${found.join('\n\n')}\n`).toBe(0);
}
