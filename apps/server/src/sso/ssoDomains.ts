/**
 * Email domains routed to a workspace's IdP ("Sign in with your company" by email, R11). Pure.
 *
 * Who may claim a domain: a workspace routes `example.co.jp` to its IdP only when one of its active owners
 * or admins has a verified address at exactly that domain (control of a mailbox there is the proof we can
 * check), never a public mail domain (a tenant claiming gmail.com would send everyone's "company" sign-in to
 * its IdP), and one domain belongs to one workspace (the store's key).
 */
import { domainToASCII } from 'node:url';
import { SSO_MAX_DOMAINS } from '@tsudoi/protocol';

/** Mail providers anyone can sign up with, Japanese carriers and ISPs included: never a company's domain. */
export const PUBLIC_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.jp',
  'ymail.com',
  'outlook.com',
  'outlook.jp',
  'hotmail.com',
  'hotmail.co.jp',
  'live.com',
  'live.jp',
  'msn.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'gmx.com',
  'gmx.net',
  'mail.com',
  'yandex.com',
  'yandex.ru',
  'qq.com',
  '163.com',
  'naver.com',
  'docomo.ne.jp',
  'ezweb.ne.jp',
  'au.com',
  'softbank.ne.jp',
  'i.softbank.jp',
  'ymobile.ne.jp',
  'nifty.com',
  'biglobe.ne.jp',
  'ocn.ne.jp',
  'so-net.ne.jp',
  'plala.or.jp',
]);

/** Pure: the ASCII (punycode) lower-case form of a domain, or undefined when it is not a domain name. */
export function normaliseDomain(text: string): string | undefined {
  const raw = text.trim().replace(/^@/, '').replace(/\.$/, '').toLowerCase();
  if (!raw || raw.length > 253) return undefined;
  const ascii = domainToASCII(raw);
  if (!ascii || ascii.length > 253) return undefined;
  const labels = ascii.split('.');
  if (labels.length < 2) return undefined;
  const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
  if (!labels.every((l) => label.test(l))) return undefined;
  if (/^\d+$/.test(labels.at(-1)!)) return undefined; // an IPv4 address is not a domain
  return ascii;
}

/** Pure: the normalised domain of an email address. */
export function domainOfEmail(email: string): string | undefined {
  const at = email.trim().lastIndexOf('@');
  return at > 0 ? normaliseDomain(email.trim().slice(at + 1)) : undefined;
}

export type DomainProblem = 'invalid' | 'publicMail' | 'notVerified' | 'tooMany';

/**
 * Pure: the domains to store (normalised, deduplicated, sorted) or the problem of each refused entry by
 * its index. `adminEmails` are the verified addresses of the workspace's active owners and admins.
 */
export function checkDomainClaims(
  requested: readonly string[],
  adminEmails: readonly string[],
): { ok: true; domains: string[] } | { ok: false; problems: Record<number, DomainProblem> } {
  const proven = new Set(adminEmails.map(domainOfEmail).filter((d): d is string => d !== undefined));
  const problems: Record<number, DomainProblem> = {};
  const domains = new Set<string>();
  requested.forEach((text, i) => {
    const domain = normaliseDomain(text);
    if (!domain) problems[i] = 'invalid';
    else if (PUBLIC_MAIL_DOMAINS.has(domain)) problems[i] = 'publicMail';
    else if (!proven.has(domain)) problems[i] = 'notVerified';
    else domains.add(domain);
  });
  if (domains.size > SSO_MAX_DOMAINS) problems[requested.length - 1] ??= 'tooMany';
  return Object.keys(problems).length > 0
    ? { ok: false, problems }
    : { ok: true, domains: [...domains].sort() };
}

/**
 * Pure: what routing exactly `wanted` to `workspaceId` changes, given the domains it `held` and the
 * `holders` of the wanted ones; or the first wanted domain another workspace routes.
 */
export function domainChange(
  workspaceId: string,
  wanted: readonly string[],
  held: readonly string[],
  holders: ReadonlyMap<string, string>,
): { taken: string } | { add: string[]; remove: string[] } {
  const want = [...new Set(wanted)];
  const taken = want.find((d) => holders.has(d) && holders.get(d) !== workspaceId);
  if (taken) return { taken };
  return { add: want.filter((d) => !held.includes(d)), remove: held.filter((d) => !want.includes(d)) };
}
