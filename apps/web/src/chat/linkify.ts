import { createElement, Fragment, type ReactNode } from 'react';

/** A piece of message text: plain text, or an http(s) link. */
export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

// ASCII URL characters only, so Japanese text right after a URL ("https://example.comです") is not swallowed.
const URL_CANDIDATE = /\bhttps?:\/\/[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+/gi;
const TRAILING = /[.,;:!?'"*]+$/;

/** Drops punctuation that ends a sentence rather than the URL (a closing paren only when unbalanced). */
function trimUrl(candidate: string): string {
  let url = candidate;
  for (;;) {
    const before = url;
    url = url.replace(TRAILING, '');
    for (const [open, close] of [
      ['(', ')'],
      ['[', ']'],
    ] as const) {
      if (url.endsWith(close) && url.split(close).length > url.split(open).length) url = url.slice(0, -1);
    }
    if (url === before) return url;
  }
}

/** The link target for a candidate, or undefined when it is not a well-formed http(s) URL with a host. */
function safeHref(candidate: string): string | undefined {
  try {
    const url = new URL(candidate);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) return undefined;
    return url.href;
  } catch {
    return undefined;
  }
}

/** Splits message text into plain text and http(s) links; nothing else is ever interpreted. */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let plain = '';
  let last = 0;
  for (const match of text.matchAll(URL_CANDIDATE)) {
    const start = match.index;
    const candidate = trimUrl(match[0]);
    const href = safeHref(candidate);
    if (!href) continue;
    plain += text.slice(last, start);
    if (plain) parts.push({ kind: 'text', text: plain });
    plain = '';
    parts.push({ kind: 'link', text: candidate, href });
    last = start + candidate.length;
  }
  plain += text.slice(last);
  if (plain) parts.push({ kind: 'text', text: plain });
  return parts;
}

/**
 * Message text as React nodes: text stays text (React escapes it, so `<b>` shows as typed) and links open
 * in a new tab without giving it access to this page. Never uses `dangerouslySetInnerHTML`.
 */
export function linkify(text: string): ReactNode {
  return createElement(
    Fragment,
    null,
    // Passed as separate children (not an array), so React needs no keys.
    ...splitLinks(text).map((part) =>
      part.kind === 'text'
        ? part.text
        : createElement('a', { href: part.href, target: '_blank', rel: 'noopener noreferrer' }, part.text),
    ),
  );
}
